// The map scale 1:n shown in the status bar, set by the scale picker and kept when the
// projection changes. One definition for every projection: n is the ground distance a
// screen pixel covers at the view's centre divided by the OGC standardized pixel
// (0.28 mm). In EPSG:2180 that is the view's resolution itself (the national map metre,
// as the tile grid, the print and the permalink count it); in Web Mercator the plane's
// metres are stretched by 1/cos φ (1.6 at 51.6° N), which OpenLayers' point resolution
// of EPSG:3857 takes out.

import {getPointResolution} from 'ol/proj.js';
import {resolutionToScale, scaleToResolution} from './urlstate.js';

/**
 * Ground metres per pixel at the centre for one unit of view resolution.
 * @param {import("ol/View.js").default} view View.
 * @param {Array<number>} [center] Where (default: the view's centre).
 * @return {number} Ratio; 1 in EPSG:2180.
 */
function groundFactor(view, center) {
  const projection = view.getProjection();
  if (!projection.getPointResolutionFunc()) {
    return projection.getMetersPerUnit() || 1; // a Polish grid: its metres are the map's
  }
  const at = center || view.getCenter();
  return getPointResolution(projection, 1, at, 'm');
}

/**
 * Scale denominator of the view as shown to the user.
 * @param {import("ol/View.js").default} view View.
 * @return {number|undefined} n of 1:n.
 */
export function viewScale(view) {
  const resolution = view.getResolution();
  if (resolution === undefined || !view.getCenter()) {
    return undefined;
  }
  return resolutionToScale(resolution * groundFactor(view));
}

/**
 * View resolution at which the scale shown is 1:n at a centre.
 * @param {import("ol/View.js").default} view View (its projection counts).
 * @param {number} scale n of 1:n.
 * @param {Array<number>} [center] Centre in the view's projection.
 * @return {number} Resolution in the view's units per pixel.
 */
export function resolutionForScale(view, scale, center) {
  return scaleToResolution(scale) / groundFactor(view, center);
}
