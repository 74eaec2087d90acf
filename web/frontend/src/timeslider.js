// The time slider: the parcels as they were on a chosen day, from /api/historia (every
// version the register keeps). A checkbox switches the layer on; the slider moves a day per
// arrow key and a month per PageUp/PageDown between the oldest version and today. The
// layer asks for what the map shows (bbox strategy) at 1:15 000 and closer: the server
// answers at most 10 km a side. The chosen day goes into the permalink (`date=`), and a
// link with a day opens the slider on it (`open`).

import './timeslider.css';
import GeoJSON from 'ol/format/GeoJSON.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import {bbox as bboxStrategy} from 'ol/loadingstrategy.js';
import {Stroke, Style} from 'ol/style.js';
import {t} from './config.js';
import {scaleToResolution} from './urlstate.js';

const DAY_MS = 86_400_000;
const MAX_SCALE = 15_000;
const DEBOUNCE_MS = 250;

const style = new Style({stroke: new Stroke({color: '#ff7a00', width: 2.5})});

/**
 * Bind the time slider of the page to the map.
 * @param {Document} doc Document.
 * @param {Object} config Page configuration (`urls.history`).
 * @param {import("ol/Map.js").default} map Map.
 * @return {Object|null} Control: `reset()`, `date()` (the day shown, null when off),
 *     `open(day)`, `onChange(listener)`; null when the page has none.
 */
export function bindTimeSlider(doc, config, map) {
  const toggle = doc.getElementById('history-toggle');
  const controls = doc.getElementById('history-controls');
  const slider = doc.getElementById('history-slider');
  const output = doc.getElementById('history-date');
  const status = doc.getElementById('history-status');
  if (!toggle || !controls || !slider) {
    return null;
  }
  const dateFormat = new Intl.DateTimeFormat(config.locale, {dateStyle: 'long', timeZone: 'UTC'});
  let first = null;
  let day = null;
  let last = null;
  let timer = null;
  const listeners = [];
  const changed = () => listeners.forEach((listener) => listener());
  const source = new VectorSource({
    format: new GeoJSON({dataProjection: 'EPSG:4326', featureProjection: config.projection.code}),
    strategy: bboxStrategy,
    loader: (extent, resolution, projection, success, failure) =>
      load(source, extent, success, failure),
  });
  const layer = new VectorLayer({
    source,
    style,
    visible: false,
    zIndex: 900, // over every catalog layer, under the highlight
    maxResolution: scaleToResolution(MAX_SCALE) * 1.0001,
    properties: {title: t(config, 'history_layer')},
  });
  map.addLayer(layer);

  async function load(target, extent, success, failure) {
    const asked = day;
    const bbox = extent.map((v) => v.toFixed(1)).join(',');
    const query = new URLSearchParams({date: asked, bbox, lang: config.lang});
    try {
      const response = await fetch(`${config.urls.history}/dzialki?${query}`, {
        headers: {Accept: 'application/geo+json'},
      });
      const answer = await response.json();
      if (!response.ok) {
        status.textContent = answer.text || t(config, 'history_unavailable');
        failure();
        return;
      }
      if (asked !== day) {
        failure(); // the slider moved on meanwhile
        return;
      }
      const features = target.getFormat().readFeatures(answer);
      target.addFeatures(features);
      map.getTargetElement().dataset.historyDate = asked;
      status.textContent = '';
      success(features);
    } catch {
      status.textContent = t(config, 'history_unavailable');
      failure();
    }
  }

  const isoOf = (index) => new Date(first + index * DAY_MS).toISOString().slice(0, 10);
  const showDay = () => {
    const text = dateFormat.format(new Date(`${day}T00:00:00Z`));
    output.textContent = text;
    slider.setAttribute('aria-valuetext', text);
  };
  const choose = () => {
    day = isoOf(Number(slider.value));
    showDay();
    clearTimeout(timer);
    timer = setTimeout(() => source.refresh(), DEBOUNCE_MS);
    changed();
  };
  const zoomHint = () => {
    const resolution = map.getView().getResolution();
    const tooFar = layer.getVisible() && resolution > layer.getMaxResolution();
    if (tooFar) {
      status.textContent = t(config, 'history_zoom_in');
    } else if (status.textContent === t(config, 'history_zoom_in')) {
      status.textContent = '';
    }
  };

  /**
   * Show the slider and the parcels of `wanted` (default: the last day).
   * @param {?string} wanted A day `YYYY-MM-DD`.
   * @return {Promise<?Object>} null when shown; else why not: `{unavailable: true}` or
   *     `{outside: {first, last}}` (then the slider stays off).
   */
  async function start(wanted = null) {
    if (first === null) {
      const range = await readRange(config);
      if (!range) {
        status.textContent = t(config, 'history_unavailable');
        toggle.checked = false;
        return {unavailable: true};
      }
      first = Date.parse(`${range.first}T00:00:00Z`);
      last = range.last;
      const days = Math.round((Date.parse(`${range.last}T00:00:00Z`) - first) / DAY_MS);
      slider.max = String(days);
      slider.value = String(days);
      day = range.last;
      showDay();
    }
    if (wanted !== null) {
      if (wanted < isoOf(0) || wanted > last) {
        toggle.checked = false;
        return {outside: {first: isoOf(0), last}};
      }
      slider.value = String(Math.round((Date.parse(`${wanted}T00:00:00Z`) - first) / DAY_MS));
      day = wanted;
      showDay();
    }
    toggle.checked = true;
    controls.hidden = false;
    source.refresh();
    layer.setVisible(true);
    zoomHint();
    changed();
    return null;
  }
  const stop = () => {
    controls.hidden = true;
    layer.setVisible(false);
    status.textContent = '';
    changed();
  };

  toggle.addEventListener('change', () => (toggle.checked ? start() : stop()));
  slider.addEventListener('input', choose);
  slider.addEventListener('keydown', (event) => {
    if (event.key === 'PageUp' || event.key === 'PageDown') {
      event.preventDefault(); // a month, not the browser's tenth of the range
      const step = event.key === 'PageUp' ? 30 : -30;
      slider.value = String(Math.min(Number(slider.max), Math.max(0, Number(slider.value) + step)));
      choose();
    }
  });
  map.getView().on('change:resolution', zoomHint);
  return {
    date: () => (layer.getVisible() ? day : null),
    open: (wanted) => start(wanted),
    onChange: (listener) => listeners.push(listener),
    reset: () => {
      toggle.checked = false;
      if (first !== null) {
        slider.value = slider.max;
        day = isoOf(Number(slider.max));
        showDay();
      }
      stop();
    },
  };
}

async function readRange(config) {
  try {
    const response = await fetch(config.urls.history, {headers: {Accept: 'application/json'}});
    if (!response.ok) {
      return null;
    }
    const range = await response.json();
    return range.first && range.last ? range : null;
  } catch {
    return null;
  }
}
