// WMS GetFeatureInfo on our MapServer (/ows). JSON first; when the service answers
// with anything else (an exception, or JSON not configured), GML parsed by
// ol/format/WMSGetFeatureInfo. The format that worked is remembered.

import WMSGetFeatureInfo from 'ol/format/WMSGetFeatureInfo.js';
import {wmsSource} from './layers.js';

const FORMATS = ['application/json', 'application/vnd.ogc.gml'];
let preferredFormat = null;

/**
 * Properties of the features a response holds, or null if the format did not work.
 * @param {Response} response HTTP response.
 * @param {string} format Requested INFO_FORMAT.
 * @param {string} layerName WMS layer name.
 * @return {Promise<Array<Object>|null>} Property objects.
 */
async function parseResponse(response, format, layerName) {
  if (!response.ok) {
    return null;
  }
  const contentType = (response.headers.get('Content-Type') || '').toLowerCase();
  const text = await response.text();
  if (format === 'application/json') {
    if (!contentType.includes('json')) {
      return null;
    }
    try {
      const data = JSON.parse(text);
      const features = Array.isArray(data.features) ? data.features : null;
      return features && features.map((feature) => feature.properties || {});
    } catch {
      return null;
    }
  }
  const isXml = /xml|gml/.test(contentType) || text.trimStart().startsWith('<');
  if (!isXml || /ServiceException/.test(text)) {
    return null;
  }
  const reader = new WMSGetFeatureInfo({layers: [layerName]});
  return reader.readFeatures(text).map((feature) => {
    const properties = {...feature.getProperties()};
    delete properties[feature.getGeometryName()];
    return properties;
  });
}

/**
 * Query one WMS layer at a map coordinate.
 * @param {Object} options Query.
 * @param {string} options.url WMS endpoint.
 * @param {string} options.layerName WMS layer name.
 * @param {Array<number>} options.coordinate Map coordinate.
 * @param {number} options.resolution View resolution.
 * @param {string} options.projection Projection code.
 * @return {Promise<Array<Object>>} Properties of the features found.
 */
export async function getFeatureInfo({url, layerName, coordinate, resolution, projection}) {
  const source = wmsSource(url, layerName);
  const formats = preferredFormat
    ? [preferredFormat, ...FORMATS.filter((f) => f !== preferredFormat)]
    : FORMATS;
  for (const format of formats) {
    const requestUrl = source.getFeatureInfoUrl(coordinate, resolution, projection, {
      QUERY_LAYERS: layerName,
      INFO_FORMAT: format,
      FEATURE_COUNT: 10,
    });
    let features = null;
    try {
      features = await parseResponse(await fetch(requestUrl), format, layerName);
    } catch (error) {
      console.warn(`GetFeatureInfo ${format} on ${layerName} failed`, error);
    }
    if (features !== null) {
      preferredFormat = format;
      return features;
    }
  }
  throw new Error(`GetFeatureInfo on ${layerName} gave no readable answer`);
}

/**
 * The value of a catalog property in a feature, by its name or national alias.
 * @param {Object} properties Feature properties.
 * @param {{name: string, alias: string|null}} property Catalog property.
 * @return {*} The value, or undefined.
 */
export function propertyValue(properties, property) {
  const wanted = [property.name, property.alias].filter(Boolean).map((k) => k.toLowerCase());
  for (const [key, value] of Object.entries(properties)) {
    if (wanted.includes(key.toLowerCase())) {
      return value;
    }
  }
  return undefined;
}
