// "Gdzie jestem": the browser's position (navigator.geolocation) centres the map with a
// marker. Refused permission, no position or no geolocation at all, and a position
// outside the county each get a message of their own; the map stays where it was.

import Feature from 'ol/Feature.js';
import Point from 'ol/geom/Point.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import {fromLonLat, transform} from 'ol/proj.js';
import {containsCoordinate} from 'ol/extent.js';
import {Circle as CircleStyle, Fill, Stroke, Style} from 'ol/style.js';
import {t} from './config.js';
import {resolutionForScale, viewScale} from './mapscale.js';

const LOCATE_SCALE = 2000; // close enough to see the parcel one stands on
const OPTIONS = {enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000};
const PERMISSION_DENIED = 1;
const MESSAGE_MS = 15_000; // long enough to read twice, then the map is clear again

const markerStyle = new Style({
  image: new CircleStyle({radius: 8, fill: new Fill({color: '#1a73e8'}),
    stroke: new Stroke({color: '#ffffff', width: 3})}),
});

/**
 * Bind `#locate-button` and its message `#locate-message`.
 * @param {Document} doc Document.
 * @param {Object} config Page configuration (`extent`: the county, EPSG:2180).
 * @param {import("ol/Map.js").default} map Map.
 * @return {VectorSource} The marker (in the view's projection).
 */
export function bindGeolocation(doc, config, map) {
  const button = doc.getElementById('locate-button');
  const message = doc.getElementById('locate-message');
  const source = new VectorSource();
  map.addLayer(new VectorLayer({source, style: markerStyle, zIndex: 1003}));
  let hideTimer = null;
  const say = (key, values = {}) => {
    let text = t(config, key);
    for (const [name, value] of Object.entries(values)) {
      text = text.replace(`{${name}}`, value);
    }
    message.textContent = text;
    message.dataset.state = key;
    message.classList.add('shown');
    clearTimeout(hideTimer);
    if (key !== 'locate_busy') {
      hideTimer = setTimeout(() => message.classList.remove('shown'), MESSAGE_MS);
    }
  };
  const found = (position) => {
    const {longitude, latitude, accuracy} = position.coords;
    const inData = transform([longitude, latitude], 'EPSG:4326', config.projection.code);
    source.clear();
    if (!containsCoordinate(config.extent, inData)) {
      say('locate_outside');
      return;
    }
    const view = map.getView();
    const center = fromLonLat([longitude, latitude], view.getProjection());
    source.addFeature(new Feature(new Point(center)));
    view.cancelAnimations();
    view.setCenter(center);
    if (!(viewScale(view) <= LOCATE_SCALE * 1.5)) {
      view.setResolution(resolutionForScale(view, LOCATE_SCALE, center));
    }
    const metres = new Intl.NumberFormat(config.locale, {maximumFractionDigits: 0});
    say('locate_done', {accuracy: metres.format(accuracy)});
  };
  const failed = (error) => {
    say(error.code === PERMISSION_DENIED ? 'locate_denied' : 'locate_unavailable');
  };
  button.addEventListener('click', () => {
    if (!('geolocation' in navigator)) {
      say('locate_unsupported');
      return;
    }
    say('locate_busy');
    navigator.geolocation.getCurrentPosition(found, failed, OPTIONS);
  });
  return source;
}
