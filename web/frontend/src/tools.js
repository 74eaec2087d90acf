// Base-map switcher, legends and opacity, print dialog and share dialog. Built on the
// markup the page renders (web/templates/viewer/index.html); text goes in by textContent.

import {t} from './config.js';
import {viewScale} from './mapscale.js';
import {toData} from './viewprojection.js';

/**
 * The base-map radio group: shows the chosen raster; the cadastral map switches the
 * county's own coloured layers on, any other base switches them off.
 * @param {Document} doc Document.
 * @param {Object} config Page configuration.
 * @param {Array} baseLayers Raster layers (with `baseId`).
 * @param {Array} layers Overlay layers (with `layerId`).
 * @return {{get: function(): string, set: function(string, boolean): void}} Control.
 */
export function bindBaseMaps(doc, config, baseLayers, layers) {
  const radios = [...doc.querySelectorAll('#base-maps input[name="base-map"]')];
  const known = new Set((config.base_maps || []).map((base) => base.id));
  let current = config.default_base_map;
  const listeners = [];
  const set = (id, touchLayers) => {
    if (!known.has(id)) {
      return;
    }
    current = id;
    for (const layer of baseLayers) {
      layer.setVisible(layer.get('baseId') === id);
    }
    if (touchLayers) {
      const cadastral = new Set(config.cadastral_layers || []);
      for (const layer of layers) {
        if (cadastral.has(layer.get('layerId'))) {
          layer.setVisible(id === 'cadastral');
        }
      }
    }
    for (const radio of radios) {
      radio.checked = radio.value === id;
    }
    doc.getElementById('map').dataset.baseMap = id;
    listeners.forEach((listener) => listener(id));
  };
  for (const radio of radios) {
    radio.addEventListener('change', () => radio.checked && set(radio.value, true));
  }
  return {get: () => current, set, onChange: (listener) => listeners.push(listener)};
}

/**
 * Legend images and opacity sliders. A legend is loaded when its layer is first shown,
 * but not before the map's first complete render: at the start, legends drawn by the WMS
 * would take the browser's connections and the renderers from the map's own tiles.
 * @param {Document} doc Document.
 * @param {Array} layers Overlay layers.
 * @param {import("ol/Map.js").default} map Map.
 */
export function bindLegends(doc, layers, map) {
  const byId = new globalThis.Map(layers.map((layer) => [layer.get('layerId'), layer]));
  let mapDrawn = false;
  const shows = [];
  for (const item of doc.querySelectorAll('#layer-list [data-layer-id]')) {
    const layer = byId.get(item.dataset.layerId);
    const legend = item.querySelector('img.legend');
    const slider = item.querySelector('input[type=range]');
    if (!layer) {
      if (slider) {
        slider.disabled = true;
      }
      continue;
    }
    const show = () => {
      const visible = layer.getVisible();
      if (legend) {
        if (visible && mapDrawn && !legend.getAttribute('src')) {
          legend.setAttribute('src', legend.dataset.src);
        }
        legend.hidden = !visible || !legend.getAttribute('src');
      }
      item.classList.toggle('layer-on', visible);
    };
    layer.on('change:visible', show);
    shows.push(show);
    show();
    if (slider) {
      slider.value = String(Math.round(layer.getOpacity() * 100));
      slider.addEventListener('input', () => layer.setOpacity(Number(slider.value) / 100));
    }
  }
  map.once('rendercomplete', () => {
    mapDrawn = true;
    shows.forEach((show) => show());
  });
}

function openDialog(dialog, opener) {
  dialog.showModal();
  dialog.addEventListener('close', () => opener.focus(), {once: true});
}

/**
 * The print dialog: asks /drukuj for a PDF of the view's centre and downloads it.
 * @param {Document} doc Document.
 * @param {Object} config Page configuration.
 * @param {import("ol/Map.js").default} map Map.
 * @param {function(): Object} currentState Visible layers (drawing order, bottom first),
 *     `opacity` ([id, percent] of the faded ones) and base map.
 */
export function bindPrint(doc, config, map, currentState) {
  const button = doc.getElementById('print-button');
  const dialog = doc.getElementById('print-dialog');
  const form = doc.getElementById('print-form');
  const status = doc.getElementById('print-status');
  if (!button || !dialog || !form) {
    return;
  }
  button.addEventListener('click', () => {
    const scale = viewScale(map.getView());
    const scales = config.print.scales.map((item) => item.value);
    const nearest = scales.reduce((best, value) =>
      Math.abs(Math.log(value / scale)) < Math.abs(Math.log(best / scale)) ? value : best,
    );
    form.elements.scale.value = String(nearest);
    status.textContent = '';
    openDialog(dialog, button);
  });
  doc.getElementById('print-cancel').addEventListener('click', () => dialog.close());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const [x, y] = toData(config, map, map.getView().getCenter()); // /drukuj is in EPSG:2180
    const state = currentState();
    const params = new URLSearchParams({
      x: x.toFixed(1), y: y.toFixed(1),
      scale: form.elements.scale.value, paper: form.elements.paper.value,
      orientation: form.elements.orientation.value, dpi: form.elements.dpi.value,
      layers: state.layers.join(','), base: state.base, lang: config.lang,
    });
    if (state.opacity.length) {
      params.set('opacity', state.opacity.map(([id, percent]) => `${id}:${percent}`).join(','));
    }
    const title = form.elements.title.value.trim();
    if (title) {
      params.set('title', title);
    }
    status.textContent = t(config, 'print_busy');
    const submit = doc.getElementById('print-submit');
    submit.disabled = true;
    try {
      const response = await fetch(`${config.urls.print}?${params}`);
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        status.textContent = body.error ? `${t(config, 'print_failed')} ${body.error}` :
          t(config, 'print_failed');
        return;
      }
      const blob = await response.blob();
      const link = doc.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `mapa-1-${form.elements.scale.value}.pdf`;
      doc.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
      status.textContent = t(config, 'print_done');
    } catch {
      status.textContent = t(config, 'print_failed');
    } finally {
      submit.disabled = false;
    }
  });
}

/**
 * The share dialog: the permalink of this view, a copy button and an iframe snippet.
 * @param {Document} doc Document.
 * @param {Object} config Page configuration.
 * @param {function(): void} writeState Brings the URL up to date.
 */
export function bindShare(doc, config, writeState) {
  const button = doc.getElementById('share-button');
  const dialog = doc.getElementById('share-dialog');
  if (!button || !dialog) {
    return;
  }
  const link = doc.getElementById('share-link');
  const embed = doc.getElementById('share-embed');
  const status = doc.getElementById('share-status');
  button.addEventListener('click', () => {
    writeState();
    const url = doc.defaultView.location.href;
    link.value = url;
    const title = doc.title.replace(/"/g, '&quot;');
    const src = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    embed.value = `<iframe src="${src}" width="800" height="600" title="${title}"` +
      ' style="border:0" loading="lazy"></iframe>';
    status.textContent = '';
    openDialog(dialog, button);
    link.select();
  });
  doc.getElementById('share-copy').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(link.value);
      status.textContent = t(config, 'share_copied');
    } catch {
      link.select();
      status.textContent = t(config, 'share_copy_failed');
    }
  });
  doc.getElementById('share-close').addEventListener('click', () => dialog.close());
}
