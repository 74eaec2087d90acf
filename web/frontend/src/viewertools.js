// The viewer's tools, bound in one place: status bar (scale, pointer coordinates), scale
// picker, measuring, sketch with GeoJSON export, "Gdzie jestem" and the projection
// switch. Each lives in a module of its own; this one only composes them.

import {DrawingTool} from './drawing.js';
import {bindGeolocation} from './geolocation.js';
import {bindMeasure} from './measure.js';
import {registerProjection} from './projection.js';
import {bindScalePicker} from './scalepicker.js';
import {bindSketch} from './sketch.js';
import {bindStatusBar} from './statusbar.js';

/**
 * Keep drawn features where they were when the map changes projection.
 * @param {import("ol/Map.js").default} map Map.
 * @param {Array<import("ol/source/Vector.js").default>} sources Sources in the view's projection.
 */
function reprojectOnViewChange(map, sources) {
  map.on('change:view', (event) => {
    const from = event.oldValue.getProjection();
    const to = map.getView().getProjection();
    for (const source of sources) {
      source.forEachFeature((feature) => {
        feature.getGeometry().transform(from, to);
      });
    }
  });
}

/**
 * Bind every tool of the viewer page.
 * @param {Document} doc Document.
 * @param {Object} config Page configuration (`tools`: coordinate systems, projections, scales).
 * @param {import("ol/Map.js").default} map Map.
 */
export function bindViewerTools(doc, config, map) {
  for (const system of config.tools.coordinate_systems.filter((item) => item.proj4)) {
    registerProjection(system);
  }
  bindStatusBar(config, doc, map);
  bindScalePicker(doc, map);
  const drawing = new DrawingTool(doc, map);
  reprojectOnViewChange(map, [
    bindMeasure(doc, config, map, drawing),
    bindSketch(doc, config, map, drawing),
    bindGeolocation(doc, config, map),
  ]);
}
