// The page configuration: a JSON block the Flask view renders from the layer catalog.
// It is a <script type="application/json">, which the CSP allows because it is never run.

/**
 * @typedef {Object} LayerConfig
 * @property {string} id Collection id (`parcels`).
 * @property {string} wms_name WMS/WMTS layer name (`dzialki`).
 * @property {string} title Title in the page language.
 * @property {boolean} tiled Served as tiles by MapProxy (WMTS).
 * @property {boolean} wms Served as a WMS layer by MapServer (`/ows`).
 * @property {Array<string>} wmts_names Candidate WMTS layer identifiers, best first.
 * @property {boolean} visible Shown when the page opens.
 * @property {number|null} min_scale Shown only at scales 1:n with n >= min_scale.
 * @property {number|null} max_scale Shown only at scales 1:n with n <= max_scale.
 * @property {Array<{name: string, alias: string|null, title: string}>} properties Attributes.
 */

/**
 * Read and parse the JSON configuration block of the page.
 * @param {Document} doc The document.
 * @return {Object|null} The configuration, or null when the block is missing.
 */
export function readConfig(doc) {
  const element = doc.getElementById('viewer-config');
  if (!element) {
    return null;
  }
  return JSON.parse(element.textContent || '{}');
}

/**
 * Look up a UI string; the key itself when the catalogue lacks it.
 * @param {Object} config Page configuration.
 * @param {string} key String key.
 * @return {string} Text in the page language.
 */
export function t(config, key) {
  const strings = config.strings || {};
  return Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key;
}
