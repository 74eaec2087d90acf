// The scale picker (`#scale-picker`): a native select, so it works with the keyboard and
// screen readers as is. Choosing 1:n sets the view so that the status bar's read-out
// (mapscale.js) says exactly 1:n; the view then leaves the tile grid's levels, whose
// scales are not round numbers, and zooms freely from there.

import {unByKey} from 'ol/Observable.js';
import {resolutionForScale, viewScale} from './mapscale.js';

const SAME_SCALE = 1e-6; // relative difference under which two scales are one

/**
 * @param {Document} doc Document.
 * @param {import("ol/Map.js").default} map Map.
 */
export function bindScalePicker(doc, map) {
  const select = doc.getElementById('scale-picker');
  const values = [...select.options].map((option) => Number(option.value)).filter(Boolean);
  const showCurrent = () => {
    const scale = viewScale(map.getView());
    const same = values.find((value) => scale && Math.abs(scale / value - 1) < SAME_SCALE);
    select.value = same ? String(same) : '';
  };
  select.addEventListener('change', () => {
    const scale = Number(select.value);
    if (!scale) {
      return;
    }
    const view = map.getView();
    view.cancelAnimations();
    view.setConstrainResolution(false);
    view.setResolution(resolutionForScale(view, scale));
  });
  let watching = null;
  const watchView = () => {
    unByKey(watching);
    watching = map.getView().on('change:resolution', showCurrent);
    showCurrent();
  };
  map.on('change:view', watchView);
  watchView();
}
