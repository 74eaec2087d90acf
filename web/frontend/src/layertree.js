// The layer tree: layers grouped by theme (config.themes, from layers/themes.yaml and each
// layer's `theme`), each with move up/down buttons. The tree's order is the drawing order:
// a layer higher in the tree is drawn over those below it, and a theme higher in the tree
// over the themes below. Moves stay within a theme; each is announced in a polite live
// region, and the order (when not the catalog's) goes into the permalink (`order=`).

import './layertree.css';
import {t} from './config.js';

/**
 * Bind the move buttons of the page's tree to the OpenLayers layers.
 * @param {Document} doc Document.
 * @param {Object} config Page configuration (`themes`, `layers`).
 * @param {Array} layers Overlay layers (with `layerId`).
 * @return {Object|null} The tree: `order()`, `changedOrder()`, `setOrder(ids)`, `reset()`,
 *     `onChange(listener)`; null when the page has no tree.
 */
export function bindLayerTree(doc, config, layers) {
  const list = doc.getElementById('layer-list');
  if (!list || !config.themes) {
    return null;
  }
  const status = doc.getElementById('layer-order-status');
  const byId = new globalThis.Map(layers.map((layer) => [layer.get('layerId'), layer]));
  const titles = new globalThis.Map(config.layers.map((layer) => [layer.id, layer.title]));
  const defaults = config.themes.map((theme) => theme.layers.filter((id) => byId.has(id)));
  let groups = defaults.map((ids) => [...ids]);
  const listeners = [];

  const order = () => groups.flat();
  const apply = () => {
    // bottom of the tree first: the bottom theme's bottom layer gets the lowest z-index
    [...order()].reverse().forEach((id, index) => byId.get(id).setZIndex(index));
    groups.forEach((ids, g) => {
      const container = list.querySelector(`[data-theme="${config.themes[g].id}"] .theme-layers`);
      for (const id of ids) {
        container.append(container.querySelector(`[data-layer-id="${id}"]`));
      }
      ids.forEach((id, i) => {
        const item = container.querySelector(`[data-layer-id="${id}"]`);
        item.querySelector('[data-move=up]').disabled = i === 0;
        item.querySelector('[data-move=down]').disabled = i === ids.length - 1;
      });
    });
  };
  const changed = () => listeners.forEach((listener) => listener());

  const move = (id, step) => {
    const g = groups.findIndex((ids) => ids.includes(id));
    const ids = groups[g];
    const from = ids.indexOf(id);
    const to = from + step;
    if (to < 0 || to >= ids.length) {
      return;
    }
    [ids[from], ids[to]] = [ids[to], ids[from]];
    apply();
    status.textContent = t(config, 'layer_moved')
      .replace('{title}', titles.get(id))
      .replace('{position}', String(to + 1))
      .replace('{count}', String(ids.length))
      .replace('{theme}', config.themes[g].title);
    changed();
  };

  list.addEventListener('click', (event) => {
    const button = event.target.closest('[data-move]');
    if (!button) {
      return;
    }
    const item = button.closest('[data-layer-id]');
    move(item.dataset.layerId, button.dataset.move === 'up' ? -1 : 1);
    // at the end of its group the pressed button is disabled: keep the focus in the row
    const target = button.disabled ? item.querySelector('[data-move]:not(:disabled)') : button;
    target?.focus();
  });
  apply();

  return {
    order,
    /** @return {Array<string>|null} The order top first, or null when it is the default. */
    changedOrder: () => (order().join() === defaults.flat().join() ? null : order()),
    /**
     * Put the layers named in `ids` in that order within their themes; the others keep
     * their default places after them.
     * @param {Array<string>} ids Layer ids, top first.
     * @return {boolean} Whether every id named a layer of the tree.
     */
    setOrder: (ids) => {
      const rank = (id) => (ids.includes(id) ? ids.indexOf(id) : ids.length);
      groups = defaults.map((group) =>
        [...group].sort((a, b) => rank(a) - rank(b) || group.indexOf(a) - group.indexOf(b)),
      );
      apply();
      return ids.every((id) => byId.has(id));
    },
    reset: () => {
      groups = defaults.map((ids) => [...ids]);
      apply();
      changed();
    },
    onChange: (listener) => listeners.push(listener),
  };
}
