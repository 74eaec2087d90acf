// Drawing on the map for the measuring and sketch tools: one Draw interaction at a time,
// operable by mouse, touch and keyboard. With the map focused, the arrow keys pan and
// Enter adds a point at the centre of the map; the draw bar in the tools section
// finishes, undoes the last point or cancels. While a tool draws, the map's `tool`
// property is set, so a click adds a point instead of asking for feature information.

import Draw from 'ol/interaction/Draw.js';
import Feature from 'ol/Feature.js';
import Point from 'ol/geom/Point.js';

/** The one drawing session of the page, shared by the tools. */
export class DrawingTool {
  /**
   * @param {Document} doc Document with `#draw-bar`, `#draw-finish`, `#draw-undo`, `#draw-cancel`.
   * @param {import("ol/Map.js").default} map Map.
   */
  constructor(doc, map) {
    this.map = map;
    this.bar = doc.getElementById('draw-bar');
    this.draw = null;
    this.button = null;
    this.onStop = null;
    doc.getElementById('draw-finish').addEventListener('click', () => this.finish());
    doc.getElementById('draw-undo').addEventListener('click', () => this.draw?.removeLastPoint());
    doc.getElementById('draw-cancel').addEventListener('click', () => this.stop());
    map.getTargetElement().addEventListener('keydown', (event) => this.onKey(event));
  }

  /**
   * Start drawing one kind of geometry; the button that started it shows as pressed.
   * @param {Object} options Options.
   * @param {string} options.type `Point`, `LineString` or `Polygon`.
   * @param {import("ol/source/Vector.js").default} options.source Where finished features go.
   * @param {import("ol/style/Style.js").StyleLike} options.style Style while drawing.
   * @param {HTMLButtonElement} options.button The tool's button.
   * @param {function(Feature): void} [options.onStart] A feature is being drawn.
   * @param {function(Feature): void} [options.onEnd] A feature is finished.
   * @param {boolean} [options.once] Stop after one feature.
   */
  start({type, source, style, button, onStart, onEnd, once = false}) {
    const restarting = this.button === button;
    this.stop();
    if (restarting) {
      return; // pressing a pressed tool button switches the tool off
    }
    this.draw = new Draw({type, source, style, stopClick: true});
    this.draw.on('drawstart', (event) => onStart?.(event.feature));
    this.draw.on('drawend', (event) => {
      onEnd?.(event.feature);
      if (once) {
        setTimeout(() => this.stop()); // after the interaction has added the feature
      }
    });
    this.type = type;
    this.source = source;
    this.onEnd = onEnd;
    this.map.addInteraction(this.draw);
    this.map.set('tool', type);
    this.button = button;
    button.setAttribute('aria-pressed', 'true');
    this.bar.hidden = false;
    this.bar.scrollIntoView({block: 'nearest'}); // on a phone the panel is a short sheet
  }

  /** Finish the feature being drawn (a line needs 2 points, a polygon 3). */
  finish() {
    this.draw?.finishDrawing();
  }

  /** Switch the tool off; a feature being drawn is dropped. */
  stop() {
    if (!this.draw) {
      return;
    }
    this.draw.abortDrawing();
    this.map.removeInteraction(this.draw);
    this.draw = null;
    this.map.set('tool', null);
    this.button?.setAttribute('aria-pressed', 'false');
    this.button = null;
    this.bar.hidden = true;
  }

  /** Enter adds a point at the centre of the map, Escape cancels. */
  onKey(event) {
    if (!this.draw || event.target !== this.map.getTargetElement()) {
      return;
    }
    if (event.key === 'Escape') {
      this.stop();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const center = this.map.getView().getCenter().slice();
      if (this.type === 'Point') {
        const feature = new Feature(new Point(center));
        this.onEnd?.(feature);
        this.source.addFeature(feature);
      } else {
        this.draw.appendCoordinates([center]);
      }
    }
  }
}
