// The viewer: map, layer switcher, controls, feature info and parcel search.

import Map from 'ol/Map.js';
import View from 'ol/View.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import Feature from 'ol/Feature.js';
import Point from 'ol/geom/Point.js';
import {Circle as CircleStyle, Fill, Stroke, Style} from 'ol/style.js';
import {defaults as defaultControls, ScaleLine} from 'ol/control.js';
import {transformExtent} from 'ol/proj.js';
import {isEmpty} from 'ol/extent.js';
import {unByKey} from 'ol/Observable.js';
import {t} from './config.js';
import {getFeatureInfo} from './featureinfo.js';
import {
  buildBaseLayers,
  buildLayers,
  gridResolutions,
  loadWmtsCapabilities,
  normaliseTopLeftCorners,
} from './layers.js';
import {InfoPanel} from './panel.js';
import {SearchCombobox} from './combobox.js';
import {askSearch, findParcel} from './search.js';
import {bindBaseMaps, bindLegends, bindPrint, bindShare} from './tools.js';
import {bindViewerTools} from './viewertools.js';
import {fromData, fromDataExtent, viewCode} from './viewprojection.js';
import {permalinkView} from './projectionswitch.js';
import {bindKiosk} from './kiosk.js';
import {bindTimeSlider} from './timeslider.js';
import {bindLayerTree} from './layertree.js';
import {readUrlState, scaleToResolution, writeUrlState} from './urlstate.js';

const FALLBACK_RESOLUTIONS = Array.from({length: 16}, (_, i) => 1024 / 2 ** i);
const NARROW = '(max-width: 700px)';

const highlightStyle = new Style({
  stroke: new Stroke({color: '#ffd400', width: 4}),
  fill: new Fill({color: 'rgba(255, 212, 0, 0.18)'}),
  image: new CircleStyle({
    radius: 9,
    fill: new Fill({color: '#d93025'}),
    stroke: new Stroke({color: '#ffffff', width: 3}),
  }),
});

/**
 * Build the viewer into the page.
 * @param {Object} config Page configuration.
 * @param {Document} doc Document.
 * @return {Promise<Map>} The map, once created.
 */
export async function createViewer(config, doc) {
  const code = config.projection.code;
  const capabilities = await loadWmtsCapabilities(config.urls.wmts_capabilities);
  if (capabilities) {
    normaliseTopLeftCorners(capabilities, code, config.extent);
  }
  const layers = buildLayers(config, capabilities);
  const baseLayers = buildBaseLayers(config, capabilities);
  const highlight = new VectorSource();
  const state = readUrlState(doc.defaultView.location);
  const problems = [...state.problems];
  applyLayerState(layers, state.layers, problems);

  const view = new View({
    projection: code,
    resolutions: gridResolutions(capabilities, config.layers, code) || FALLBACK_RESOLUTIONS,
    extent: config.projection.extent,
    constrainOnlyCenter: true,
    constrainResolution: true, // whole tile-matrix levels: crisp tiles
  });
  const map = new Map({
    target: 'map',
    layers: [...baseLayers, ...layers, new VectorLayer({source: highlight, style: highlightStyle, zIndex: 1000})],
    view,
    controls: defaultControls({
      attribution: false,
      zoomOptions: {zoomInTipLabel: t(config, 'zoom_in'), zoomOutTipLabel: t(config, 'zoom_out')},
      rotate: false,
    }).extend([new ScaleLine({units: 'metric'})]),
  });
  // data-map-state tells tests (and anyone curious) whether what is shown is complete.
  const mapElement = map.getTargetElement();
  mapElement.dataset.mapState = 'loading';
  map.on('loadstart', () => {
    mapElement.dataset.mapState = 'loading';
  });
  map.on('rendercomplete', () => {
    mapElement.dataset.mapState = 'rendered';
  });

  const panel = new InfoPanel(config, doc);
  if (doc.defaultView.matchMedia(NARROW).matches) {
    panel.setOpen(false);
  }
  doc.getElementById('panel').addEventListener('panel-toggle', () => {
    setTimeout(() => map.updateSize(), 260);
  });

  let fullExtent = config.extent;
  const goHome = () =>
    map.getView().fit(fromDataExtent(config, map, fullExtent), {padding: [20, 20, 20, 20]});
  const inExtent = (point) =>
    point[0] >= config.extent[0] - 50000 && point[0] <= config.extent[2] + 50000 &&
    point[1] >= config.extent[1] - 50000 && point[1] <= config.extent[3] + 50000;
  if (state.center && !inExtent(state.center)) {
    problems.push('x', 'y');
    state.center = null;
  }
  if (!state.center && config.start) {
    view.setCenter(config.start.center);
    view.setResolution(scaleToResolution(config.start.scale));
    refineExtent(config).then((extent) => {
      fullExtent = extent || fullExtent;
    });
  } else if (state.center) {
    view.setCenter(state.center);
    if (state.resolution !== null) {
      view.setResolution(state.resolution);
    } else {
      view.setZoom(state.zoom !== null ? state.zoom : view.getZoomForResolution(1));
    }
  } else {
    goHome();
    const untouched = view.getCenter().join() + view.getResolution();
    refineExtent(config).then((extent) => {
      if (extent) {
        fullExtent = extent;
        if (view.getCenter().join() + view.getResolution() === untouched) {
          goHome(); // only while the user has not moved the map yet
        }
      }
    });
  }

  const baseMaps = bindBaseMaps(doc, config, baseLayers, layers);
  if (state.base !== null && !(config.base_maps || []).some((base) => base.id === state.base)) {
    problems.push('base');
    state.base = null;
  }
  if (state.crs !== null && !config.tools.projections.some((item) => item.code === state.crs)) {
    problems.push('crs');
    state.crs = null;
  }
  baseMaps.set(state.base || config.default_base_map, state.layers === null);
  bindLayerSwitcher(doc, layers, map);
  const tree = bindLayerTree(doc, config, layers);
  if (tree && state.order && !tree.setOrder(state.order)) {
    problems.push('order');
  }
  bindLegends(doc, layers, map);
  showUrlProblems(config, doc, problems);
  bindViewerTools(doc, config, map, {capabilities, state});
  bindButton(doc, 'home-button', goHome);
  const info = new InfoController(config, map, panel, highlight);
  map.on('singleclick', (event) => map.get('tool') || info.queryAt(event.coordinate));
  mapElement.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && event.target === mapElement && !map.get('tool')) {
      info.queryAt(map.getView().getCenter());
    }
  });
  const search = bindSearch(config, doc, info);
  const timeSlider = bindTimeSlider(doc, config, map);
  const writeState = bindUrlState(doc, config, map, layers, baseMaps, info, tree, timeSlider);
  if (state.parcel) {
    info.showParcel(state.parcel, !state.center);
  }
  if (state.date) {
    openHistoryDay(config, doc, timeSlider, state.date);
  }
  bindPrint(doc, config, map, () => ({...printedLayers(layers), base: baseMaps.get()}));
  bindShare(doc, config, writeState);
  bindKiosk(doc, config, {map, layers, baseMaps, info, search, more: [timeSlider?.reset, tree?.reset]});
  return map;
}

/**
 * What a print draws: the visible layers as the tree stacks them (bottom first, as WMS
 * draws LAYERS) and the opacity of those the person faded.
 * @param {Array} layers Overlay layers.
 * @return {{layers: Array<string>, opacity: Array<Array>}} Ids and [id, percent] pairs.
 */
function printedLayers(layers) {
  const shown = layers
    .map((layer, index) => ({layer, index}))
    .filter(({layer}) => layer.getVisible())
    .sort((a, b) => (a.layer.getZIndex() ?? 0) - (b.layer.getZIndex() ?? 0) || a.index - b.index)
    .map(({layer}) => layer);
  return {
    layers: shown.map((layer) => layer.get('layerId')),
    opacity: shown
      .filter((layer) => layer.getOpacity() < 1)
      .map((layer) => [layer.get('layerId'), Math.round(layer.getOpacity() * 100)]),
  };
}

function applyLayerState(layers, visibleIds, problems) {
  if (visibleIds === null) {
    return;
  }
  const known = new Set(layers.map((layer) => layer.get('layerId')));
  if (!visibleIds.every((id) => known.has(id)) && !problems.includes('layers')) {
    problems.push('layers');
  }
  for (const layer of layers) {
    layer.setVisible(visibleIds.includes(layer.get('layerId')));
  }
}

/** Say which parts of the link were ignored; the map opens anyway. */
function showUrlProblems(config, doc, problems) {
  if (problems.length === 0) {
    return;
  }
  const parts = [...new Set(problems)].join(', ');
  showUrlMessage(doc, t(config, 'permalink_malformed').replace('{parts}', parts));
}

function showUrlMessage(doc, text) {
  const output = doc.getElementById('url-message');
  if (!output) {
    return;
  }
  output.textContent = text;
  output.classList.add('shown');
  setTimeout(() => output.classList.remove('shown'), 12000);
}

/** A link's `date=`: the slider on that day, or (outside the data's days) a message. */
async function openHistoryDay(config, doc, timeSlider, day) {
  if (!timeSlider) {
    return;
  }
  const refused = await timeSlider.open(day);
  if (refused?.outside) {
    const {first, last} = refused.outside;
    showUrlMessage(doc, t(config, 'history_date_outside')
      .replace('{date}', day).replace('{first}', first).replace('{last}', last));
  }
}

/** The county's data extent from the OGC API collection, in the map projection. */
async function refineExtent(config) {
  try {
    const response = await fetch(config.urls.extent_collection, {
      headers: {Accept: 'application/json'},
    });
    if (!response.ok) {
      return null;
    }
    const bbox = (await response.json())?.extent?.spatial?.bbox?.[0];
    if (!Array.isArray(bbox) || bbox.length < 4 || !bbox.every(Number.isFinite)) {
      return null;
    }
    const lonLat = bbox.length === 6 ? [bbox[0], bbox[1], bbox[3], bbox[4]] : bbox;
    const extent = transformExtent(lonLat, 'EPSG:4326', config.projection.code);
    return isEmpty(extent) ? null : extent;
  } catch {
    return null;
  }
}

function bindButton(doc, id, handler) {
  const button = doc.getElementById(id);
  if (button) {
    button.addEventListener('click', handler);
  }
}

function bindLayerSwitcher(doc, layers, map) {
  const byId = new globalThis.Map(layers.map((layer) => [layer.get('layerId'), layer]));
  const items = doc.querySelectorAll('#layer-list [data-layer-id]');
  for (const item of items) {
    const checkbox = item.querySelector('input[type=checkbox]');
    const layer = byId.get(item.dataset.layerId);
    if (!layer) {
      checkbox.disabled = true;
      item.classList.add('unavailable');
      continue;
    }
    checkbox.checked = layer.getVisible();
    checkbox.addEventListener('change', () => layer.setVisible(checkbox.checked));
    layer.on('change:visible', () => {
      checkbox.checked = layer.getVisible();
    });
  }
  const markRange = () => {
    const resolution = map.getView().getResolution();
    for (const item of items) {
      const layer = byId.get(item.dataset.layerId);
      if (layer && resolution !== undefined) {
        const inRange =
          resolution < layer.getMaxResolution() && resolution >= layer.getMinResolution();
        item.classList.toggle('out-of-range', !inRange);
      }
    }
  };
  let watching = map.getView().on('change:resolution', markRange);
  map.on('change:view', () => {
    unByKey(watching);
    watching = map.getView().on('change:resolution', markRange);
    markRange();
  });
  markRange();
}

function bindSearch(config, doc, info) {
  let controller = null;
  return new SearchCombobox(doc, {
    search: (text) => {
      controller?.abort();
      controller = new AbortController();
      return askSearch(config.search, config.lang, text, controller.signal);
    },
    choose: (result) => info.showResult(result),
    text: (key) => t(config, key),
  });
}

function bindUrlState(doc, config, map, layers, baseMaps, info, tree, timeSlider) {
  const win = doc.defaultView;
  const langLinks = doc.querySelectorAll('a[data-keep-hash]');
  const update = () => {
    const view = map.getView();
    if (!view.getCenter()) {
      return;
    }
    const hash = writeUrlState(win, {
      ...permalinkView(config, map),
      layers: layers.filter((layer) => layer.getVisible()).map((layer) => layer.get('layerId')),
      base: baseMaps.get(),
      parcel: info.selectedParcel,
      order: tree?.changedOrder(),
      date: timeSlider?.date(),
    });
    for (const link of langLinks) {
      link.hash = hash;
    }
  };
  map.on('moveend', update);
  for (const layer of layers) {
    layer.on('change:visible', update);
  }
  baseMaps.onChange(update);
  tree?.onChange(update);
  timeSlider?.onChange(update);
  info.onSelect = update;
  return update;
}

/** Click → GetFeatureInfo → panel; parcel → geometry from OGC API → highlight. */
class InfoController {
  constructor(config, map, panel, highlight) {
    this.config = config;
    this.map = map;
    this.panel = panel;
    this.highlight = highlight;
    this.layers = config.info_layers
      .map((id) => config.layers.find((layer) => layer.id === id))
      .filter(Boolean);
    this.mapLayers = map.getLayers().getArray();
    this.generation = 0;
    this.selectedParcel = null; // in the permalink: opening it opens the card
    this.onSelect = () => {};
  }

  select(parcelId) {
    this.selectedParcel = parcelId;
    this.onSelect();
  }

  /** Close the card and the highlight; an answer still on its way is dropped. */
  clear() {
    this.generation += 1;
    this.highlight.clear();
    this.select(null);
    this.panel.message(t(this.config, 'info_hint'));
  }

  /** Info layers whose checkbox is on: what the user sees is what a click asks about. */
  visibleInfoLayers() {
    return this.layers.filter((layer) =>
      this.mapLayers.some((item) => item.get('layerId') === layer.id && item.getVisible()),
    );
  }

  async queryAt(coordinate) {
    const generation = ++this.generation;
    const view = this.map.getView();
    this.panel.message(t(this.config, 'info_busy'), 'busy');
    this.highlight.clear();
    const layers = this.visibleInfoLayers();
    if (layers.length === 0) {
      this.panel.message(t(this.config, 'info_no_layers'));
      return;
    }
    const settled = await Promise.allSettled(
      layers.map((layer) =>
        getFeatureInfo({
          url: this.config.urls.ows,
          layerName: layer.wms_name,
          coordinate,
          resolution: view.getResolution(),
          projection: viewCode(this.map),
        }).then((features) => ({layer, features})),
      ),
    );
    if (generation !== this.generation) {
      return;
    }
    const groups = settled.filter((r) => r.status === 'fulfilled').map((r) => r.value);
    if (groups.length === 0) {
      this.panel.message(t(this.config, 'info_error'), 'error');
      return;
    }
    this.panel.showFeatures(groups, t(this.config, 'info_at_point'));
    const parcels = groups.find((group) => group.layer.id === this.config.search.layer);
    const parcelId = parcels?.features.length ? this.parcelIdOf(parcels) : null;
    this.select(parcelId);
    if (parcelId) {
      this.highlightParcel(parcelId, generation, false);
    }
  }

  parcelIdOf(group) {
    const property = group.layer.properties.find((p) => p.name === group.layer.id_property);
    if (!property) {
      return null;
    }
    const properties = group.features[0];
    for (const [key, value] of Object.entries(properties)) {
      const lower = key.toLowerCase();
      if (lower === property.name || lower === (property.alias || '').toLowerCase()) {
        return String(value);
      }
    }
    return null;
  }

  async highlightParcel(parcelId, generation, zoom) {
    let features;
    try {
      features = await findParcel(this.config.search, parcelId, viewCode(this.map));
    } catch (error) {
      console.warn('parcel search failed', error);
      return null;
    }
    if (generation !== this.generation) {
      return features;
    }
    this.highlight.clear();
    this.highlight.addFeatures(features);
    if (zoom && features.length) {
      this.map.getView().fit(this.highlight.getExtent(), {
        padding: [60, 60, 60 + this.panel.overlap(), 60],
        maxZoom: this.map.getView().getZoomForResolution(0.1),
        duration: 250,
      });
    }
    return features;
  }

  /**
   * Show a search result: a parcel as a click would, an obręb or gmina by its extent,
   * an address or a point centred with a marker.
   * @param {Object} result A result of /api/search (EPSG:2180).
   */
  showResult(result) {
    if (result.kind === 'parcel') {
      this.showParcel(result.id);
      return;
    }
    const generation = ++this.generation;
    const view = this.map.getView();
    this.highlight.clear();
    this.select(null);
    const padding = [60, 60, 60 + this.panel.overlap(), 60];
    if (result.bbox && (result.kind === 'obreb' || result.kind === 'gmina')) {
      view.fit(fromDataExtent(this.config, this.map, result.bbox), {padding, duration: 250});
    } else {
      const point = fromData(this.config, this.map, result.point);
      this.highlight.addFeature(new Feature(new Point(point)));
      view.animate({center: point, resolution: view.getResolutionForZoom(
        view.getZoomForResolution(0.25)), duration: 250});
    }
    this.panel.showResult(result, t(this.config, 'info_parcel'));
    return generation;
  }

  /**
   * Look a parcel up by id, zoom to it, highlight it and show its attributes.
   * @param {string} parcelId Parcel id.
   * @param {boolean} zoom Zoom to the parcel (not when a permalink gives the view).
   * @return {Promise<string>} Empty when found, else a message for the user.
   */
  async showParcel(parcelId, zoom = true) {
    const generation = ++this.generation;
    this.panel.message(t(this.config, 'search_busy'), 'busy');
    this.panel.setOpen(true);
    const features = await this.highlightParcel(parcelId, generation, zoom);
    if (generation !== this.generation) {
      return '';
    }
    if (!features || !features.length) {
      const message = t(this.config, features ? 'search_not_found' : 'search_error');
      this.panel.message(message, 'error');
      this.select(null);
      return message;
    }
    this.select(parcelId);
    const layer = this.config.layers.find((item) => item.id === this.config.search.layer);
    const properties = features.map((feature) => {
      const values = {...feature.getProperties()};
      delete values[feature.getGeometryName()];
      return values;
    });
    this.panel.showFeatures([{layer, features: properties}], t(this.config, 'info_parcel'));
    return '';
  }
}
