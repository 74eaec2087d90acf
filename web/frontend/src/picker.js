// The place picker of the report form (web/templates/eservices/form.html): a small map of
// our own tiles; a click puts a marker there and writes its EPSG:2180 coordinates into the
// X and Y fields. Without JavaScript the form still works: the fields are typed.

import 'ol/ol.css';
import Feature from 'ol/Feature.js';
import Map from 'ol/Map.js';
import View from 'ol/View.js';
import Point from 'ol/geom/Point.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import {Circle, Fill, Stroke, Style} from 'ol/style.js';
import {buildLayers, gridResolutions, loadWmtsCapabilities, normaliseTopLeftCorners} from './layers.js';
import {registerProjection} from './projection.js';
import {scaleToResolution} from './urlstate.js';

const MARKER = new Style({
  image: new Circle({radius: 7, fill: new Fill({color: '#d00000'}), stroke: new Stroke({color: '#ffffff', width: 2})}),
});

/**
 * The coordinates typed in the X and Y fields, or null.
 * @param {HTMLInputElement} x X field.
 * @param {HTMLInputElement} y Y field.
 * @return {Array<number>|null} Easting, northing.
 */
function typedPoint(x, y) {
  const point = [x.value, y.value].map((text) => Number.parseFloat(text.replace(',', '.')));
  return point.every(Number.isFinite) ? point : null;
}

async function start() {
  const element = document.getElementById('picker-config');
  const target = document.getElementById('location-map');
  const x = document.getElementById('f-x');
  const y = document.getElementById('f-y');
  if (!element || !target || !x || !y) {
    return;
  }
  const config = JSON.parse(element.textContent || '{}');
  const code = registerProjection(config.projection).getCode();
  const capabilities = await loadWmtsCapabilities(config.urls.wmts_capabilities);
  if (capabilities) {
    normaliseTopLeftCorners(capabilities, code, config.extent);
  }
  const marker = new VectorSource();
  const view = new View({
    projection: code,
    resolutions: gridResolutions(capabilities, config.layers, code) || undefined,
    extent: config.projection.extent,
    constrainOnlyCenter: true,
    constrainResolution: true,
  });
  const map = new Map({
    target,
    layers: [...buildLayers(config, capabilities), new VectorLayer({source: marker, style: MARKER, zIndex: 1000})],
    view,
  });
  map.on('loadstart', () => {
    target.dataset.mapState = 'loading';
  });
  map.on('rendercomplete', () => {
    target.dataset.mapState = 'rendered';
  });
  const status = document.getElementById('location-map-status');
  const place = (point) => {
    marker.clear();
    marker.addFeature(new Feature(new Point(point)));
  };
  const typed = typedPoint(x, y);
  if (typed) {
    place(typed);
    view.setCenter(typed);
    view.setResolution(scaleToResolution(2000));
  } else if (config.start) {
    view.setCenter(config.start.center);
    view.setResolution(scaleToResolution(config.start.scale));
  } else {
    view.fit(config.extent);
  }
  map.on('singleclick', (event) => {
    place(event.coordinate);
    x.value = event.coordinate[0].toFixed(2);
    y.value = event.coordinate[1].toFixed(2);
    if (status) {
      status.textContent = `${config.strings.picked}: X ${x.value}, Y ${y.value}`;
    }
  });
  const follow = () => {
    const point = typedPoint(x, y);
    if (point) {
      place(point);
      view.setCenter(point);
    }
  };
  x.addEventListener('change', follow);
  y.addEventListener('change', follow);
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
