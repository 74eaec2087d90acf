// EPSG:2180 (PUWG 1992) registered in OpenLayers through proj4.

import proj4 from 'proj4';
import {get as getProjection} from 'ol/proj.js';
import {register} from 'ol/proj/proj4.js';

/**
 * Register the map projection given by the page configuration.
 * @param {{code: string, proj4: string, extent: Array<number>}} definition Projection.
 * @return {import("ol/proj/Projection.js").default} The registered projection.
 */
export function registerProjection(definition) {
  proj4.defs(definition.code, definition.proj4);
  register(proj4);
  const projection = getProjection(definition.code);
  if (!projection) {
    throw new Error(`projection ${definition.code} could not be registered`);
  }
  projection.setExtent(definition.extent);
  return projection;
}
