// The map may be drawn in PUWG 1992 (the data's system, `config.projection.code`) or in
// Web Mercator; the data, the services' answers and the permalink stay in the data's
// system. These convert between the two at the edges.

import {transform, transformExtent} from 'ol/proj.js';

/**
 * The view's projection code.
 * @param {import("ol/Map.js").default} map Map.
 * @return {string} Code.
 */
export function viewCode(map) {
  return map.getView().getProjection().getCode();
}

/**
 * A coordinate of the view in the data's system.
 * @param {Object} config Page configuration.
 * @param {import("ol/Map.js").default} map Map.
 * @param {Array<number>} coordinate In the view's projection.
 * @return {Array<number>} Easting, northing in the data's system.
 */
export function toData(config, map, coordinate) {
  return transform(coordinate, viewCode(map), config.projection.code);
}

/**
 * A coordinate of the data's system in the view's projection.
 * @param {Object} config Page configuration.
 * @param {import("ol/Map.js").default} map Map.
 * @param {Array<number>} coordinate In the data's system.
 * @return {Array<number>} In the view's projection.
 */
export function fromData(config, map, coordinate) {
  return transform(coordinate, config.projection.code, viewCode(map));
}

/**
 * An extent of the data's system in the view's projection.
 * @param {Object} config Page configuration.
 * @param {import("ol/Map.js").default} map Map.
 * @param {Array<number>} extent In the data's system.
 * @return {Array<number>} In the view's projection.
 */
export function fromDataExtent(config, map, extent) {
  return transformExtent(extent, config.projection.code, viewCode(map));
}
