// The status bar: the scale read-out and the coordinates under the pointer in the
// system the user picks — PUWG 1992 (EPSG:2180), the county's PL-2000 zone (from
// site.yaml) or WGS 84 — whatever projection the map itself is drawn in.

import {unByKey} from 'ol/Observable.js';
import {transform} from 'ol/proj.js';
import {viewScale} from './mapscale.js';

/**
 * Formatters of the page's locale: metres with 2 decimals, degrees with 6, scales whole.
 * @param {string} locale BCP 47 locale of the page.
 * @return {{metres: Intl.NumberFormat, degrees: Intl.NumberFormat, scale: Intl.NumberFormat}}
 */
export function numberFormats(locale) {
  const fixed = (digits) => new Intl.NumberFormat(locale, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return {
    metres: fixed(2),
    degrees: fixed(6),
    scale: new Intl.NumberFormat(locale, {maximumFractionDigits: 0}),
  };
}

/**
 * A coordinate of the map written in one system.
 * @param {Array<number>} coordinate In the projection `from`.
 * @param {string} from Projection code of the map.
 * @param {string} to Code of the system to show.
 * @param {Object} formats Result of numberFormats.
 * @return {string} `E … m  N … m` or `φ …° λ …°`.
 */
export function formatCoordinate(coordinate, from, to, formats) {
  const [x, y] = transform(coordinate, from, to);
  if (to === 'EPSG:4326') {
    return `φ ${formats.degrees.format(y)}° λ ${formats.degrees.format(x)}°`;
  }
  return `E ${formats.metres.format(x)} m  N ${formats.metres.format(y)} m`;
}

/**
 * Bind the scale read-out (`#scale`) and the pointer coordinates (`#mouse-position`,
 * system chosen in `#crs-select`).
 * @param {Object} config Page configuration.
 * @param {Document} doc Document.
 * @param {import("ol/Map.js").default} map Map.
 */
export function bindStatusBar(config, doc, map) {
  const scaleOutput = doc.getElementById('scale');
  const positionOutput = doc.getElementById('mouse-position');
  const crsSelect = doc.getElementById('crs-select');
  const formats = numberFormats(config.locale);
  let lastCoordinate = null;

  const showPosition = () => {
    const code = map.getView().getProjection().getCode();
    positionOutput.textContent = lastCoordinate ?
      formatCoordinate(lastCoordinate, code, crsSelect.value, formats) : '';
  };
  const showScale = () => {
    const scale = viewScale(map.getView());
    if (scale !== undefined) {
      scaleOutput.textContent = `1:${formats.scale.format(scale)}`;
    }
  };
  map.on('pointermove', (event) => {
    if (!event.dragging) {
      lastCoordinate = event.coordinate;
      showPosition();
    }
  });
  map.getViewport().addEventListener('pointerleave', () => {
    lastCoordinate = null;
    showPosition();
  });
  crsSelect.addEventListener('change', () => {
    lastCoordinate = lastCoordinate || map.getView().getCenter();
    showPosition();
  });
  let watching = [];
  const watchView = () => {
    const view = map.getView();
    unByKey(watching);
    watching = [
      view.on('change:resolution', showScale),
      view.on('change:center', showScale), // in Web Mercator the scale varies with latitude
    ];
    lastCoordinate = null; // in the old view's projection
    showScale();
  };
  map.on('change:view', watchView);
  watchView();
}
