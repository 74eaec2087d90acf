// Measuring a distance or an area on the map, two ways: geodesic (OpenLayers' sphere,
// ol/sphere getLength/getArea with the view's projection, so it holds in Web Mercator
// too) and planar in PUWG 1992 (EPSG:2180), the system of the county's data. Results
// are written in the page's number format: m or km, m² or ha.

import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import {Circle as CircleStyle, Fill, Stroke, Style} from 'ol/style.js';
import {getArea, getLength} from 'ol/sphere.js';
import {t} from './config.js';

const PLANAR = 'EPSG:2180';
const KM = 1000;
const HECTARE = 10_000;

export const measureStyle = new Style({
  stroke: new Stroke({color: '#c2185b', width: 3, lineDash: [8, 6]}),
  fill: new Fill({color: 'rgba(194, 24, 91, 0.15)'}),
  image: new CircleStyle({radius: 5, fill: new Fill({color: '#c2185b'}),
    stroke: new Stroke({color: '#ffffff', width: 2})}),
});

/**
 * A length in the locale: metres below 1 km (2 decimals), else kilometres (3 decimals).
 * @param {number} metres Length.
 * @param {string} locale Locale.
 * @return {string} Text.
 */
export function formatLength(metres, locale) {
  const km = metres >= KM;
  const digits = km ? 3 : 2;
  const number = new Intl.NumberFormat(locale, {minimumFractionDigits: digits, maximumFractionDigits: digits});
  return km ? `${number.format(metres / KM)} km` : `${number.format(metres)} m`;
}

/**
 * An area in the locale: m² below 1 ha (1 decimal), else hectares (4 decimals).
 * @param {number} squareMetres Area.
 * @param {string} locale Locale.
 * @return {string} Text.
 */
export function formatArea(squareMetres, locale) {
  const ha = squareMetres >= HECTARE;
  const digits = ha ? 4 : 1;
  const number = new Intl.NumberFormat(locale, {minimumFractionDigits: digits, maximumFractionDigits: digits});
  return ha ? `${number.format(squareMetres / HECTARE)} ha` : `${number.format(squareMetres)} m²`;
}

/**
 * Geodesic and planar (EPSG:2180) measures of a line or polygon drawn in a projection.
 * @param {import("ol/geom/Geometry.js").default} geometry LineString or Polygon.
 * @param {import("ol/proj/Projection.js").default} projection The view's projection.
 * @return {{kind: string, geodesic: number, planar: number}} Metres or square metres.
 */
export function measure(geometry, projection) {
  const planar = geometry.clone().transform(projection, PLANAR);
  if (geometry.getType() === 'Polygon') {
    return {kind: 'area', geodesic: getArea(geometry, {projection}), planar: planar.getArea()};
  }
  return {kind: 'length', geodesic: getLength(geometry, {projection}), planar: planar.getLength()};
}

function row(doc, label, value, key) {
  const item = doc.createElement('div');
  item.className = 'row';
  item.dataset.measure = key;
  const term = doc.createElement('dt');
  term.textContent = label;
  const text = doc.createElement('dd');
  text.textContent = value;
  item.append(term, text);
  return item;
}

/**
 * The measuring buttons (`#measure-length`, `#measure-area`, `#measure-clear`) and the
 * result list (`#measure-result`), updated while drawing.
 * @param {Document} doc Document.
 * @param {Object} config Page configuration.
 * @param {import("ol/Map.js").default} map Map.
 * @param {import("./drawing.js").DrawingTool} drawing The page's drawing session.
 * @return {VectorSource} The measured features (kept in the view's projection).
 */
export function bindMeasure(doc, config, map, drawing) {
  const source = new VectorSource();
  map.addLayer(new VectorLayer({source, style: measureStyle, zIndex: 1001}));
  const output = doc.getElementById('measure-result');
  const show = (geometry) => {
    const result = measure(geometry, map.getView().getProjection());
    const format = result.kind === 'area' ? formatArea : formatLength;
    output.replaceChildren(
      row(doc, t(config, `measure_geodesic_${result.kind}`), format(result.geodesic, config.locale), 'geodesic'),
      row(doc, t(config, `measure_planar_${result.kind}`), format(result.planar, config.locale), 'planar'),
    );
    output.dataset.kind = result.kind;
  };
  for (const id of ['measure-length', 'measure-area']) {
    const button = doc.getElementById(id);
    button.addEventListener('click', () => drawing.start({
      type: button.dataset.draw,
      source,
      style: measureStyle,
      button,
      once: true,
      onStart: (feature) => {
        source.clear();
        output.replaceChildren();
        delete output.dataset.kind;
        feature.getGeometry().on('change', (event) => show(event.target));
      },
      onEnd: (feature) => show(feature.getGeometry()),
    }));
  }
  doc.getElementById('measure-clear').addEventListener('click', () => {
    drawing.stop();
    source.clear();
    output.replaceChildren();
    delete output.dataset.kind;
  });
  return source;
}
