// Map state in the URL: `#x=480000&y=410000&z=12&layers=parcels,buildings`.
// x is the easting and y the northing in EPSG:2180 (OpenLayers order). Instead of z
// (a zoom level of the view) a link may give `res` (metres per pixel) or `scale` (1:n).
// `parcel=<id>` opens the viewer on that parcel. The query string is read too, so
// `/?x=…&y=…&scale=1000` works as well; the hash wins.

const METRES_PER_PIXEL_AT_SCALE_1 = 0.00028; // OGC standardized rendering pixel

/**
 * @typedef {Object} UrlState
 * @property {Array<number>|null} center Easting, northing.
 * @property {number|null} zoom Zoom level.
 * @property {number|null} resolution Metres per pixel.
 * @property {Array<string>|null} layers Visible layer ids.
 * @property {string|null} parcel Parcel id to look up.
 */

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
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const get = (name) => (hash.has(name) ? hash.get(name) : params.get(name));
  const x = finite(get('x'));
  const y = finite(get('y'));
  const scale = finite(get('scale'));
  let resolution = finite(get('res'));
  if (resolution === null && scale !== null) {
    resolution = scale * METRES_PER_PIXEL_AT_SCALE_1;
  }
  const layers = get('layers');
  return {
    center: x !== null && y !== null ? [x, y] : null,
    zoom: finite(get('z')),
    resolution: resolution !== null && resolution > 0 ? resolution : null,
    layers: layers === null ? null : layers.split(',').filter(Boolean),
    parcel: get('parcel') || null,
  };
}

/**
 * Write the state into the hash without adding a history entry.
 * @param {Window} win The window.
 * @param {{center: Array<number>, zoom: number, layers: Array<string>}} state State.
 * @return {string} The new hash.
 */
export function writeUrlState(win, state) {
  const params = new URLSearchParams();
  params.set('x', state.center[0].toFixed(1));
  params.set('y', state.center[1].toFixed(1));
  params.set('z', String(Math.round(state.zoom * 100) / 100));
  params.set('layers', state.layers.join(','));
  const hash = '#' + params.toString().replace(/%2C/g, ',');
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
