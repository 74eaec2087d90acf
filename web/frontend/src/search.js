// Search: the one search box asks /api/search (parcels, obręby, gminy, addresses,
// coordinates; EPSG:2180); a parcel's geometry comes from the OGC API Features collection
// (GeoJSON in CRS84), returned in the map projection.

import GeoJSON from 'ol/format/GeoJSON.js';

/**
 * Normalise typed input and check it against the strict parcel-id pattern.
 * @param {string} input What the user typed.
 * @param {string} pattern The strict pattern (from the page configuration).
 * @return {string|null} The id, or null when it is not a valid parcel id.
 */
export function validParcelId(input, pattern) {
  const id = input.trim();
  return new RegExp(pattern).test(id) ? id : null;
}

/**
 * Fetch a parcel by id.
 * @param {Object} search Search configuration (`url`, `property`).
 * @param {string} parcelId Valid parcel id.
 * @param {string} projection Map projection code.
 * @return {Promise<Array<import("ol/Feature.js").default>>} Matching features.
 */
export async function findParcel(search, parcelId, projection) {
  const query = new URLSearchParams({[search.property]: parcelId, f: 'json'});
  const response = await fetch(`${search.url}?${query}`, {
    headers: {Accept: 'application/geo+json, application/json'},
  });
  if (!response.ok) {
    throw new Error(`parcel search answered ${response.status}`);
  }
  const features = new GeoJSON().readFeatures(await response.json(), {
    dataProjection: 'EPSG:4326',
    featureProjection: projection,
  });
  // Exact match only: a service may treat the filter as a prefix or pattern.
  return features.filter((feature) => {
    const value = feature.get(search.property);
    return value === undefined || String(value) === parcelId;
  });
}

/**
 * Ask the search endpoint.
 * @param {Object} search Search configuration (`api`, `limit`).
 * @param {string} lang Page language.
 * @param {string} text What the user typed.
 * @param {AbortSignal} [signal] Abort signal.
 * @return {Promise<Object>} The answer: `results`, `message`.
 */
export async function askSearch(search, lang, text, signal) {
  const query = new URLSearchParams({q: text, limit: String(search.limit), lang});
  const response = await fetch(`${search.api}?${query}`, {
    headers: {Accept: 'application/json'},
    signal,
  });
  if (response.status === 400) {
    const error = new Error('search refused the text');
    error.userMessage = (await response.json())?.error?.text;
    throw error;
  }
  if (!response.ok) {
    throw new Error(`search answered ${response.status}`);
  }
  return response.json();
}
