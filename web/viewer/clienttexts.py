"""The texts the viewer's JavaScript shows, sent in its configuration (``strings``).

The bundle looks them up by msgid (``t(config, 'info_busy')``) and fills their braced
placeholders (``{n}``, ``{title}``) itself; the page's language is chosen on the server,
so the browser gets only the texts it needs, already translated. A test checks that
every msgid the JavaScript names is listed here.
"""

from __future__ import annotations

from web.language import N_

CLIENT_TEXTS = (
    # search box (combobox.js, search.js)
    N_("search_busy"),
    N_("search_not_found"),
    N_("search_error"),
    N_("search_count_zero"),
    N_("search_count_one"),
    N_("search_count_few"),
    N_("search_count_many"),
    N_("search_msg_not_found"),
    N_("search_msg_too_short"),
    N_("search_msg_empty"),
    # parcel information (featureinfo.js, panel.js)
    N_("parcel_text_page"),
    N_("info_hint"),
    N_("info_busy"),
    N_("info_nothing"),
    N_("info_no_layers"),
    N_("info_error"),
    N_("info_at_point"),
    N_("info_parcel"),
    # map and tools
    N_("zoom_in"),
    N_("zoom_out"),
    N_("measure_geodesic_length"),
    N_("measure_planar_length"),
    N_("measure_geodesic_area"),
    N_("measure_planar_area"),
    N_("sketch_count"),
    N_("sketch_empty"),
    N_("sketch_saved"),
    N_("locate_busy"),
    N_("locate_done"),
    N_("locate_denied"),
    N_("locate_unavailable"),
    N_("locate_unsupported"),
    N_("locate_outside"),
    N_("viewer_failed"),
    N_("print_busy"),
    N_("print_done"),
    N_("print_failed"),
    N_("share_copied"),
    N_("share_copy_failed"),
    N_("permalink_malformed"),
    N_("history_zoom_in"),
    N_("history_unavailable"),
    N_("history_layer"),
    N_("history_date_outside"),
    N_("layer_moved"),
)
