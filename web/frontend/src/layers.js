// Map layers from the catalog: tiled layers from our MapProxy WMTS (tile grid in
// EPSG:2180, read from its capabilities at run time), the others as single images from
// the MapServer WMS at /ows. A tiled layer missing from the WMTS falls back to the WMS.

import ImageLayer from 'ol/layer/Image.js';
import TileLayer from 'ol/layer/Tile.js';
import ImageWMS from 'ol/source/ImageWMS.js';
import WMTS, {optionsFromCapabilities} from 'ol/source/WMTS.js';
import WMTSCapabilities from 'ol/format/WMTSCapabilities.js';
import {scaleToResolution} from './urlstate.js';

const CAPABILITIES_TIMEOUT_MS = 8000;

/**
 * Fetch and parse the WMTS capabilities; null when the service does not answer.
 * @param {string} url Capabilities URL.
 * @return {Promise<Object|null>} Parsed capabilities.
 */
export async function loadWmtsCapabilities(url) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), CAPABILITIES_TIMEOUT_MS);
  try {
    const response = await fetch(url, {signal: controller.signal});
    if (!response.ok) {
      return null;
    }
    const capabilities = new WMTSCapabilities().read(await response.text());
    return capabilities && capabilities.Contents ? capabilities : null;
  } catch (error) {
    console.warn('WMTS capabilities unavailable, using WMS only', error);
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Put each EPSG:2180 tile matrix's TopLeftCorner in easting, northing order.
 *
 * WMTS writes the corner in the CRS's axis order, which for EPSG:2180 is northing
 * first; MapProxy writes it easting first unless told otherwise. Decide from the data:
 * the top-left corner of a grid covering the county lies west of and north of it.
 * @param {Object} capabilities Parsed capabilities (changed in place).
 * @param {string} code Projection code (`EPSG:2180`).
 * @param {Array<number>} extent County extent, easting/northing.
 */
export function normaliseTopLeftCorners(capabilities, code, extent) {
  const number = code.split(':').pop();
  const isOurs = (crs) => typeof crs === 'string' && crs.split(':').pop() === number;
  const fits = ([x, y]) => x <= extent[0] && y >= extent[3];
  for (const matrixSet of capabilities.Contents.TileMatrixSet || []) {
    if (!isOurs(matrixSet.SupportedCRS)) {
      continue;
    }
    for (const matrix of matrixSet.TileMatrix || []) {
      const corner = matrix.TopLeftCorner;
      if (corner && !fits(corner) && fits([corner[1], corner[0]])) {
        matrix.TopLeftCorner = [corner[1], corner[0]];
      }
    }
  }
}

/**
 * WMTS source options for the first of the candidate layer names the service offers.
 * @param {Object|null} capabilities Parsed capabilities.
 * @param {Array<string>} names Candidate layer identifiers.
 * @param {string} code Projection code.
 * @return {Object|null} Source options.
 */
export function wmtsOptions(capabilities, names, code) {
  if (!capabilities) {
    return null;
  }
  for (const name of names) {
    const options = optionsFromCapabilities(capabilities, {layer: name, projection: code});
    if (options && options.projection && options.projection.getCode() === code) {
      // The service writes absolute URLs from the Host it saw; tiles must come from the
      // origin of this page (the CSP allows nothing else), so keep only the path.
      options.urls = options.urls.map((url) => url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+/i, ''));
      return options;
    }
  }
  return null;
}

/**
 * Tile grid resolutions offered by the WMTS for our projection, coarsest first.
 * @param {Object|null} capabilities Parsed capabilities.
 * @param {Array<import("./config.js").LayerConfig>} layers Layers.
 * @param {string} code Projection code.
 * @return {Array<number>|null} Resolutions.
 */
export function gridResolutions(capabilities, layers, code) {
  for (const layer of layers.filter((item) => item.tiled)) {
    const options = wmtsOptions(capabilities, layer.wmts_names, code);
    if (options) {
      return options.tileGrid.getResolutions().slice();
    }
  }
  return null;
}

/**
 * A WMTS source on our tile cache. Tiles appear at once, without OpenLayers' 250 ms
 * fade: the layers of a cadastral map are read together, and fading each tile of each
 * layer on its own made parcel lines show up in pieces (and the first view wait for it).
 * @param {Object} options Source options from the capabilities.
 * @return {WMTS} Source.
 */
export function tileSource(options) {
  return new WMTS({...options, wrapX: false, transition: 0});
}

function scaleLimits(layer) {
  const limits = {};
  if (layer.max_scale) {
    // Shown at 1:max_scale itself: OpenLayers' maxResolution is exclusive.
    limits.maxResolution = scaleToResolution(layer.max_scale) * 1.0001;
  }
  if (layer.min_scale) {
    limits.minResolution = scaleToResolution(layer.min_scale);
  }
  return limits;
}

/**
 * Build the OpenLayers layers in drawing order (first is drawn first).
 * @param {Object} config Page configuration.
 * @param {Object|null} capabilities Parsed WMTS capabilities.
 * @return {Array<import("ol/layer/Base.js").default>} Layers, each with `layerId` set.
 */
export function buildLayers(config, capabilities) {
  const code = config.projection.code;
  const built = [];
  config.layers.forEach((layer, index) => {
    const common = {
      visible: layer.visible,
      zIndex: index,
      properties: {layerId: layer.id, title: layer.title},
      ...scaleLimits(layer),
    };
    const options = layer.tiled ? wmtsOptions(capabilities, layer.wmts_names, code) : null;
    if (options) {
      built.push(new TileLayer({...common, source: tileSource(options)}));
    } else if (layer.wms) {
      built.push(new ImageLayer({...common, source: wmsSource(config.urls.ows, layer.wms_name)}));
    }
  });
  return built;
}

/**
 * A single-image WMS source on our MapServer. WMS 1.1.1 keeps the BBOX in
 * easting/northing order whatever the CRS's official axis order is.
 * @param {string} url WMS endpoint.
 * @param {string} layers Comma-separated WMS layer names.
 * @return {ImageWMS} Source.
 */
export function wmsSource(url, layers) {
  return new ImageWMS({
    url,
    params: {LAYERS: layers, VERSION: '1.1.1', FORMAT: 'image/png', TRANSPARENT: true},
    ratio: 1,
    hidpi: false,
  });
}

/**
 * Base-map layers (rasters of the catalog): WMTS from our tile cache, else our WMS. Drawn
 * beneath every other layer; only the chosen one is visible.
 * @param {Object} config Page configuration.
 * @param {Object|null} capabilities Parsed WMTS capabilities.
 * @return {Array<import("ol/layer/Base.js").default>} Layers, each with `baseId` set.
 */
export function buildBaseLayers(config, capabilities) {
  const code = config.projection.code;
  const built = [];
  for (const base of config.base_maps || []) {
    if (!base.wms_name) {
      continue;
    }
    const common = {visible: false, zIndex: -1, properties: {baseId: base.id, title: base.title}};
    const options = wmtsOptions(capabilities, [base.wms_name], code);
    if (options) {
      built.push(new TileLayer({...common, source: tileSource(options)}));
    } else {
      // Without the tile cache, /ows draws the same picture from the layers behind it.
      const source = wmsSource(config.urls.ows, (base.wms_layers || [base.wms_name]).join(','));
      source.updateParams({FORMAT: base.kind === 'map' ? 'image/png' : 'image/jpeg', TRANSPARENT: false});
      built.push(new ImageLayer({...common, source}));
    }
  }
  return built;
}
