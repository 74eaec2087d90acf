// Map state in the URL: `#x=480000&y=410000&z=12&layers=parcels,buildings`.
// x is the easting and y the northing in EPSG:2180 (OpenLayers order). Instead of z
// (a zoom level of the view) a link may give `res` (metres per pixel) or `scale` (1:n).
// `parcel=<id>` opens the viewer on that parcel and its card; `base=<id>` picks the base
// map; `order=<id>,<id>` the layer tree's order, top first (only when not the catalog's);
// `date=YYYY-MM-DD` the day of the time slider, present while the slider is on.
// The query string is read too, so `/?x=…&y=…&scale=1000` works as well; the hash
// wins. A malformed part is ignored and named in `problems` (the viewer says so).

const METRES_PER_PIXEL_AT_SCALE_1 = 0.00028; // OGC standardized rendering pixel

/**
 * @typedef {Object} UrlState
 * @property {Array<number>|null} center Easting, northing.
 * @property {number|null} zoom Zoom level.
 * @property {number|null} resolution Metres per pixel.
 * @property {Array<string>|null} layers Visible layer ids.
 * @property {string|null} parcel Parcel id to look up.
 * @property {string|null} base Base map id.
 * @property {number|null} scale Scale denominator, when the link gave one.
 * @property {string|null} crs Projection of the map (`EPSG:3857`); null: the data's.
 * @property {Array<string>|null} order Layer ids top first (the tree's order).
 * @property {string|null} date Day of the time slider (`2024-05-31`), a real calendar day.
 * @property {Array<string>} problems Names of the parts that were malformed.
 */

const PARCEL_ID = /^[0-9A-Za-z_./-]{3,60}$/;
const NAME = /^[a-z0-9_-]{1,40}$/i;
const CRS = /^EPSG:\d{4,6}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `text` is a day of the calendar: `2024-02-30` is not (Date would roll it over). */
function isCalendarDay(text) {
  if (!DAY.test(text)) {
    return false;
  }
  const time = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === text;
}

function finite(value) {
  if (value === null || value === '') {
    return null;
  }
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

/**
 * Parse the state from a location.
 * @param {Location|URL} location The page location.
 * @return {UrlState} State; missing parts are null.
 */
export function readUrlState(location) {
  const params = new URLSearchParams(location.search);
  let hash;
  try {
    hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  } catch {
    hash = new URLSearchParams();
  }
  const get = (name) => (hash.has(name) ? hash.get(name) : params.get(name));
  const problems = [];
  const number = (name) => {
    const raw = get(name);
    const value = finite(raw);
    if (raw !== null && raw !== '' && value === null) {
      problems.push(name);
    }
    return value;
  };
  const x = number('x');
  const y = number('y');
  const scale = number('scale');
  let resolution = number('res');
  const zoom = number('z');
  if (resolution === null && scale !== null) {
    resolution = scale * METRES_PER_PIXEL_AT_SCALE_1;
  }
  if (resolution !== null && !(resolution > 0 && resolution < 1e5)) {
    problems.push(get('res') !== null ? 'res' : 'scale');
    resolution = null;
  }
  if ((x === null) !== (y === null) && !problems.includes('x') && !problems.includes('y')) {
    problems.push(x === null ? 'x' : 'y');
  }
  const layersRaw = get('layers');
  let layers = layersRaw === null ? null : layersRaw.split(',').filter(Boolean);
  if (layers && !layers.every((name) => NAME.test(name))) {
    problems.push('layers');
    layers = null; // the page's own defaults, not a half-read list
  }
  const orderRaw = get('order');
  let order = orderRaw === null ? null : orderRaw.split(',').filter(Boolean);
  if (order && !order.every((name) => NAME.test(name))) {
    problems.push('order');
    order = null;
  }
  let parcel = get('parcel') || null;
  if (parcel !== null && !PARCEL_ID.test(parcel)) {
    problems.push('parcel');
    parcel = null;
  }
  let base = get('base') || null;
  if (base !== null && !NAME.test(base)) {
    problems.push('base');
    base = null;
  }
  let crs = get('crs') || null;
  if (crs !== null && !CRS.test(crs)) {
    problems.push('crs');
    crs = null;
  }
  let date = get('date') || null;
  if (date !== null && !isCalendarDay(date)) {
    problems.push('date');
    date = null;
  }
  return {
    center: x !== null && y !== null ? [x, y] : null,
    zoom,
    resolution,
    layers,
    parcel,
    base,
    scale: get('res') === null && resolution !== null ? scale : null,
    crs,
    order,
    date,
    problems,
  };
}

/**
 * Write the state into the hash without adding a history entry.
 * @param {Window} win The window.
 * @param {{center: Array<number>, zoom: (number|undefined), scale: (number|undefined),
 *     crs: (string|undefined), layers: Array<string>, base: ?string, parcel: ?string,
 *     order: ?Array<string>, date: ?string}} state
 *     State: the zoom level, or the scale when the view is between levels.
 * @return {string} The new hash.
 */
export function writeUrlState(win, state) {
  const params = new URLSearchParams();
  params.set('x', state.center[0].toFixed(1));
  params.set('y', state.center[1].toFixed(1));
  if (state.scale) {
    params.set('scale', String(Math.round(state.scale * 100) / 100)); // not a grid level
  } else {
    params.set('z', String(Math.round(state.zoom * 100) / 100));
  }
  params.set('layers', state.layers.join(','));
  if (state.base) {
    params.set('base', state.base);
  }
  if (state.parcel) {
    params.set('parcel', state.parcel);
  }
  if (state.crs) {
    params.set('crs', state.crs);
  }
  if (state.order) {
    params.set('order', state.order.join(','));
  }
  if (state.date) {
    params.set('date', state.date);
  }
  const hash = '#' + params.toString().replace(/%2C/g, ',').replace(/%2F/g, '/')
    .replace(/%3A/g, ':');
  if (win.location.hash !== hash) {
    win.history.replaceState(win.history.state, '', hash);
  }
  return hash;
}

/**
 * Resolution at which a layer with the given scale limit stops being shown.
 * @param {number} scale Scale denominator.
 * @return {number} Metres per pixel.
 */
export function scaleToResolution(scale) {
  return scale * METRES_PER_PIXEL_AT_SCALE_1;
}

/**
 * Scale denominator shown at a resolution.
 * @param {number} resolution Metres per pixel.
 * @return {number} Scale denominator.
 */
export function resolutionToScale(resolution) {
  return resolution / METRES_PER_PIXEL_AT_SCALE_1;
}
