// The sketch: points, lines and polygons a user draws over the map and downloads as a
// GeoJSON file (RFC 7946: WGS 84 longitude/latitude, 7 decimals ≈ 1 cm).

import GeoJSON from 'ol/format/GeoJSON.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import {Circle as CircleStyle, Fill, Stroke, Style} from 'ol/style.js';
import {t} from './config.js';

const FILE_NAME = 'szkic.geojson';

const sketchStyle = new Style({
  stroke: new Stroke({color: '#0b57d0', width: 3}),
  fill: new Fill({color: 'rgba(11, 87, 208, 0.15)'}),
  image: new CircleStyle({radius: 6, fill: new Fill({color: '#0b57d0'}),
    stroke: new Stroke({color: '#ffffff', width: 2})}),
});

/**
 * The sketch's features as an RFC 7946 FeatureCollection.
 * @param {Array<import("ol/Feature.js").default>} features Features in the view's projection.
 * @param {import("ol/proj/Projection.js").default} projection The view's projection.
 * @return {string} GeoJSON text.
 */
export function sketchGeoJson(features, projection) {
  return new GeoJSON().writeFeatures(features, {
    dataProjection: 'EPSG:4326',
    featureProjection: projection,
    decimals: 7,
    rightHanded: true, // RFC 7946 §3.1.6: exterior rings counterclockwise
  });
}

function download(doc, text, name) {
  const link = doc.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], {type: 'application/geo+json'}));
  link.download = name;
  doc.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

/**
 * The sketch buttons (`#sketch-point`, `#sketch-line`, `#sketch-polygon`,
 * `#sketch-export`, `#sketch-clear`) and their status line (`#sketch-status`).
 * @param {Document} doc Document.
 * @param {Object} config Page configuration.
 * @param {import("ol/Map.js").default} map Map.
 * @param {import("./drawing.js").DrawingTool} drawing The page's drawing session.
 * @return {VectorSource} The sketch (kept in the view's projection).
 */
export function bindSketch(doc, config, map, drawing) {
  const source = new VectorSource();
  map.addLayer(new VectorLayer({source, style: sketchStyle, zIndex: 1002}));
  const status = doc.getElementById('sketch-status');
  const count = () => {
    status.textContent = t(config, 'sketch_count').replace('{n}', String(source.getFeatures().length));
  };
  source.on('change', count);
  let drawn = 0;
  source.on('addfeature', (event) => event.feature.set('nr', ++drawn)); // drawing order
  for (const id of ['sketch-point', 'sketch-line', 'sketch-polygon']) {
    const button = doc.getElementById(id);
    button.addEventListener('click', () => drawing.start({
      type: button.dataset.draw, source, style: sketchStyle, button,
    }));
  }
  doc.getElementById('sketch-export').addEventListener('click', () => {
    drawing.finish();
    const features = source.getFeatures().sort((a, b) => a.get('nr') - b.get('nr'));
    if (features.length === 0) {
      status.textContent = t(config, 'sketch_empty');
      return;
    }
    download(doc, sketchGeoJson(features, map.getView().getProjection()), FILE_NAME);
    status.textContent = t(config, 'sketch_saved').replace('{name}', FILE_NAME);
  });
  doc.getElementById('sketch-clear').addEventListener('click', () => {
    drawing.stop();
    source.clear();
  });
  return source;
}
