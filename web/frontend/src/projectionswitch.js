// The map in PUWG 1992 (EPSG:2180, the data's system) or in Web Mercator (EPSG:3857),
// switched by `#projection-select` or a permalink's `crs=`, keeping the centre and the
// scale (mapscale.js). Tiles come from MapProxy's grid of the chosen projection
// (PL1992 or GLOBAL_WEBMERCATOR, read from the WMTS capabilities like at start); WMS
// images are asked for in the view's projection; drawn features are transformed.
// Scale limits of the layers are held in the data's metres and converted per view.

import View from 'ol/View.js';
import VectorSource from 'ol/source/Vector.js';
import WMTS from 'ol/source/WMTS.js';
import {transform, transformExtent} from 'ol/proj.js';
import {gridResolutions, tileSource, wmtsOptions} from './layers.js';
import {resolutionForScale, viewScale} from './mapscale.js';
import {resolutionToScale} from './urlstate.js';
import {toData, viewCode} from './viewprojection.js';

const WHOLE_LEVEL = 1e-6; // zoom levels closer than this to an integer are grid levels

/**
 * The view's part of the permalink: centre in the data's system, and the zoom level when
 * the map is on a tile-grid level of the data's projection, else the exact scale and the
 * projection.
 * @param {Object} config Page configuration.
 * @param {import("ol/Map.js").default} map Map.
 * @return {{center: Array<number>, zoom: (number|undefined), scale: (number|undefined),
 *     crs: (string|undefined)}} State.
 */
export function permalinkView(config, map) {
  const view = map.getView();
  const center = toData(config, map, view.getCenter());
  const zoom = view.getZoom();
  if (viewCode(map) === config.projection.code && Math.abs(zoom - Math.round(zoom)) < WHOLE_LEVEL) {
    return {center, zoom: Math.round(zoom)};
  }
  const crs = viewCode(map) === config.projection.code ? undefined : viewCode(map);
  return {center, scale: viewScale(view), crs};
}

/** Every vector feature of the map follows it into the new projection. */
function reprojectFeatures(map, from, to) {
  for (const layer of map.getLayers().getArray()) {
    const source = layer.getSource?.();
    if (source instanceof VectorSource) {
      source.forEachFeature((feature) => feature.getGeometry()?.transform(from, to));
    }
  }
}

function tileNames(config, layer) {
  if (layer.get('layerId')) {
    return config.layers.find((item) => item.id === layer.get('layerId'))?.wmts_names || [];
  }
  const base = (config.base_maps || []).find((item) => item.id === layer.get('baseId'));
  return base?.wms_name ? [base.wms_name] : [];
}

/** The catalog's layers: their tile source and scale limits per projection. */
class LayerSet {
  constructor(config, map, capabilities) {
    this.config = config;
    this.capabilities = capabilities;
    this.layers = map.getLayers().getArray().filter((layer) => layer.get('layerId') || layer.get('baseId'));
    this.sources = new globalThis.Map(this.layers.map((layer) => [layer, {[config.projection.code]: layer.getSource()}]));
    this.limits = new globalThis.Map(this.layers.map((layer) => [layer, [layer.getMinResolution(), layer.getMaxResolution()]]));
  }

  source(layer, code) {
    const known = this.sources.get(layer);
    if (!(code in known)) {
      const options = known[this.config.projection.code] instanceof WMTS ?
        wmtsOptions(this.capabilities, tileNames(this.config, layer), code) : null;
      // without tiles in that grid, OpenLayers reprojects the data projection's tiles
      known[code] = options ? tileSource(options) : known[this.config.projection.code];
    }
    return known[code];
  }

  /** Sources and scale limits for a view (centred where it will be shown). */
  apply(view) {
    const code = view.getProjection().getCode();
    const convert = (resolution) => Number.isFinite(resolution) && resolution > 0 ?
      resolutionForScale(view, resolutionToScale(resolution), view.getCenter()) : resolution;
    for (const layer of this.layers) {
      layer.setSource(this.source(layer, code));
      const [min, max] = this.limits.get(layer);
      layer.setMinResolution(convert(min));
      layer.setMaxResolution(convert(max));
    }
  }
}

/**
 * Bind the projection switch.
 * @param {Document} doc Document.
 * @param {Object} config Page configuration.
 * @param {import("ol/Map.js").default} map Map (its view is in the data's projection).
 * @param {Object|null} capabilities Parsed WMTS capabilities.
 * @param {Object} initial The permalink's state (`crs`, `scale`).
 */
export function bindProjectionSwitch(doc, config, map, capabilities, initial) {
  const select = doc.getElementById('projection-select');
  const offered = new Set(config.tools.projections.map((item) => item.code));
  const dataCode = config.projection.code;
  const views = new globalThis.Map([[dataCode, map.getView()]]);
  const layerSet = new LayerSet(config, map, capabilities);
  const viewFor = (code) => {
    if (!views.has(code)) {
      views.set(code, new View({
        projection: code,
        resolutions: gridResolutions(capabilities, config.layers, code) || undefined,
        extent: transformExtent(config.projection.extent, dataCode, code),
        constrainOnlyCenter: true,
        constrainResolution: true,
      }));
    }
    return views.get(code);
  };
  const switchTo = (code, scale) => {
    const old = map.getView();
    const from = old.getProjection().getCode();
    const keep = scale || viewScale(old);
    const view = viewFor(code);
    const center = transform(old.getCenter(), from, code);
    view.cancelAnimations();
    view.setCenter(center);
    const resolution = resolutionForScale(view, keep, center);
    if (Math.abs(view.getConstrainedResolution(resolution) / resolution - 1) > WHOLE_LEVEL) {
      view.setConstrainResolution(false); // the exact scale, not the nearest grid level
    }
    view.setResolution(resolution);
    layerSet.apply(view);
    if (code !== from) {
      reprojectFeatures(map, from, code);
      map.setView(view);
    }
    select.value = code;
    map.getTargetElement().dataset.projection = code;
  };
  select.addEventListener('change', () => switchTo(select.value));
  map.getTargetElement().dataset.projection = dataCode;
  if (initial.crs && initial.crs !== dataCode && offered.has(initial.crs)) {
    switchTo(initial.crs, initial.scale);
  } else if (initial.scale) {
    switchTo(dataCode, initial.scale); // a permalink's exact scale, not the grid's nearest
  }
}
