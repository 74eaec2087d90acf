// Kiosk mode (/kiosk): the office's touch screen. After `config.kiosk.idle_seconds`
// without a touch, key, wheel or pointer movement the viewer starts over for the next
// visitor: start view, no card, empty search, the catalog's layers as the page opened.
// A display setting the visitor chose (high contrast, larger text: a session cookie of
// /kiosk, see web/display.py) is dropped too: the page reloads through the kiosk's
// display link with every setting off, which deletes the cookie.
// The large touch targets and the missing ways off the map are the page's (template, CSS).

import './kiosk.css';
import {scaleToResolution} from './urlstate.js';

const DISPLAY_CLASSES = ['high-contrast', 'large-text']; // web/display.py's SETTINGS
const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'input'];

/**
 * Start the inactivity timer of the kiosk page; nothing happens on other pages.
 * @param {Document} doc Document.
 * @param {Object} config Page configuration (`kiosk`: {idle_seconds} or null).
 * @param {Object} parts What a reset touches.
 * @param {import("ol/Map.js").default} parts.map Map.
 * @param {Array} parts.layers Overlay layers (with `layerId`).
 * @param {{set: function(string, boolean): void}} parts.baseMaps Base-map switcher.
 * @param {{clear: function(): void}} parts.info The feature-info controller (card).
 * @param {{clear: function(): void}} parts.search The search box.
 * @param {Array<function(): void>} [parts.more] Further resets (e.g. the layer order).
 * @return {{reset: function(): void}|null} The kiosk, or null when not in kiosk mode.
 */
export function bindKiosk(doc, config, parts) {
  if (!config.kiosk) {
    return null;
  }
  const idleMs = config.kiosk.idle_seconds * 1000;
  let timer = null;
  const reset = () => {
    if (DISPLAY_CLASSES.some((name) => doc.body.classList.contains(name))) {
      doc.defaultView.location.replace(config.urls.kiosk_display_reset);
      return;
    }
    closeDialogs(doc);
    parts.search.clear();
    parts.info.clear();
    resetLayers(config, doc, parts.layers, parts.baseMaps);
    (parts.more || []).filter(Boolean).forEach((more) => more());
    goToStart(config, parts.map);
    doc.activeElement?.blur?.();
    doc.getElementById('panel')?.scrollTo?.(0, 0);
    doc.body.dataset.kioskResets = String(Number(doc.body.dataset.kioskResets || 0) + 1);
  };
  const postpone = () => {
    clearTimeout(timer);
    timer = setTimeout(reset, idleMs);
  };
  for (const type of ACTIVITY) {
    doc.addEventListener(type, postpone, {capture: true, passive: true});
  }
  postpone();
  return {reset};
}

function closeDialogs(doc) {
  for (const dialog of doc.querySelectorAll('dialog[open]')) {
    dialog.close();
  }
}

function resetLayers(config, doc, layers, baseMaps) {
  const visible = new Set(config.layers.filter((layer) => layer.visible).map((layer) => layer.id));
  for (const layer of layers) {
    layer.setVisible(visible.has(layer.get('layerId')));
    layer.setOpacity(1);
  }
  for (const slider of doc.querySelectorAll('#layer-list input[data-opacity-for]')) {
    slider.value = '100';
  }
  baseMaps.set(config.default_base_map, true);
}

function goToStart(config, map) {
  const view = map.getView();
  view.cancelAnimations();
  if (config.start) {
    view.setCenter(config.start.center);
    view.setResolution(scaleToResolution(config.start.scale));
  } else {
    view.fit(config.extent, {padding: [20, 20, 20, 20]});
  }
}
