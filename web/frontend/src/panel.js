// The side panel: feature information and messages. Built with DOM calls and
// textContent only, so nothing a service returns is ever parsed as HTML.

import {t} from './config.js';
import {propertyValue} from './featureinfo.js';

function element(tag, attributes = {}, text = null) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  if (text !== null) {
    node.textContent = text;
  }
  return node;
}

function formatValue(value, property, numberFormat) {
  if (value === null || value === undefined || value === '') {
    return '–';
  }
  if (property.type === 'number' && Number.isFinite(Number(value))) {
    return numberFormat.format(Number(value));
  }
  return String(value);
}

/**
 * Panel controller bound to the page's `#info-content` and `#panel`.
 */
export class InfoPanel {
  /**
   * @param {Object} config Page configuration.
   * @param {Document} doc Document.
   */
  constructor(config, doc) {
    this.config = config;
    this.content = doc.getElementById('info-content');
    this.panel = doc.getElementById('panel');
    this.toggle = doc.getElementById('panel-toggle');
    this.numberFormat = new Intl.NumberFormat(config.locale, {maximumFractionDigits: 4});
    if (this.toggle) {
      this.toggle.addEventListener('click', () => this.setOpen(!this.isOpen()));
    }
  }

  isOpen() {
    return !this.panel.classList.contains('collapsed');
  }

  /**
   * Open or collapse the panel (on phones it covers part of the map).
   * @param {boolean} open Open it.
   */
  setOpen(open) {
    this.panel.classList.toggle('collapsed', !open);
    if (this.toggle) {
      this.toggle.setAttribute('aria-expanded', String(open));
    }
    this.panel.dispatchEvent(new CustomEvent('panel-toggle', {bubbles: true}));
  }

  /**
   * Height in pixels the panel covers at the bottom of the map (phones: a bottom
   * sheet over the map; wider screens: beside the map, covering nothing).
   * @return {number} Pixels.
   */
  overlap() {
    if (!this.isOpen() || getComputedStyle(this.panel).position !== 'absolute') {
      return 0;
    }
    return this.panel.getBoundingClientRect().height;
  }

  /** @param {string} text Message in the page language. */
  message(text, kind = 'hint') {
    this.content.replaceChildren(element('p', {class: `message ${kind}`}, text));
    this.content.dataset.state = kind;
  }

  /**
   * Show features of several layers.
   * @param {Array<{layer: Object, features: Array<Object>}>} groups Results per layer.
   * @param {string} heading Section heading.
   */
  showFeatures(groups, heading) {
    const nodes = [element('p', {class: 'info-heading'}, heading)];
    let count = 0;
    for (const {layer, features} of groups) {
      for (const properties of features) {
        nodes.push(this.featureCard(layer, properties));
        count += 1;
      }
    }
    if (count === 0) {
      this.message(t(this.config, 'info_nothing'));
      return;
    }
    this.content.replaceChildren(...nodes);
    this.content.dataset.state = 'features';
    this.setOpen(true);
  }

  /**
   * A search result that is not a parcel (address, point, obręb, gmina).
   * @param {Object} result A result of /api/search.
   * @param {string} heading Section heading.
   */
  showResult(result, heading) {
    const card = element('article', {class: 'feature', 'data-layer': `search-${result.kind}`});
    card.dataset.featureId = result.id;
    card.append(element('h3', {}, `${result.kind_label}: ${result.label}`));
    if (result.context) {
      card.append(element('p', {class: 'result-context'}, result.context));
    }
    if (result.href && !this.config.kiosk) { // the kiosk offers no way off the map
      const paragraph = element('p', {class: 'result-link'});
      paragraph.append(element('a', {href: result.href}, t(this.config, 'parcel_text_page')));
      card.append(paragraph);
    }
    this.content.replaceChildren(element('p', {class: 'info-heading'}, heading), card);
    this.content.dataset.state = 'result';
    this.setOpen(true);
  }

  featureCard(layer, properties) {
    const card = element('article', {class: 'feature', 'data-layer': layer.id});
    card.append(element('h3', {}, layer.title));
    const list = element('dl');
    for (const property of layer.properties) {
      const value = propertyValue(properties, property);
      if (value === undefined) {
        continue;
      }
      const row = element('div', {class: 'row', 'data-property': property.name});
      row.append(element('dt', {}, property.title));
      row.append(element('dd', {}, formatValue(value, property, this.numberFormat)));
      if (property.name === layer.id_property) {
        card.dataset.featureId = String(value);
        row.classList.add('feature-id');
      }
      list.append(row);
    }
    card.append(list);
    return card;
  }
}
