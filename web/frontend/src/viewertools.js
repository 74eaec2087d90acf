// The viewer's tools, bound in one place: status bar (scale, pointer coordinates), scale
// picker, measuring, sketch with GeoJSON export, "Gdzie jestem" and the projection
// switch. Each lives in a module of its own; this one only composes them.

import {DrawingTool} from './drawing.js';
import {bindGeolocation} from './geolocation.js';
import {bindMeasure} from './measure.js';
import {bindProjectionSwitch} from './projectionswitch.js';
import {registerProjection} from './projection.js';
import {bindScalePicker} from './scalepicker.js';
import {bindSketch} from './sketch.js';
import {bindStatusBar} from './statusbar.js';

/**
 * Bind every tool of the viewer page.
 * @param {Document} doc Document.
 * @param {Object} config Page configuration (`tools`: coordinate systems, projections, scales).
 * @param {import("ol/Map.js").default} map Map.
 * @param {{capabilities: ?Object, state: Object}} options WMTS capabilities, permalink state.
 */
export function bindViewerTools(doc, config, map, options) {
  for (const system of config.tools.coordinate_systems.filter((item) => item.proj4)) {
    registerProjection(system);
  }
  bindStatusBar(config, doc, map);
  bindScalePicker(doc, map);
  const drawing = new DrawingTool(doc, map);
  bindMeasure(doc, config, map, drawing);
  bindSketch(doc, config, map, drawing);
  bindGeolocation(doc, config, map);
  bindProjectionSwitch(doc, config, map, options.capabilities, options.state);
}
