// The search box as a WAI-ARIA 1.2 combobox with a listbox popup ("list autocomplete with
// manual selection"): typing asks for suggestions (debounced), ArrowDown/ArrowUp move the
// active option (aria-activedescendant; DOM focus stays in the text box), Enter chooses the
// active option or, when none is active, the best result, Escape closes the list (a second
// Escape clears the box). A polite live region says how many suggestions there are.
// Everything a suggestion shows is set with textContent: what a person typed or what the
// server returned is never parsed as HTML.

const DEBOUNCE_MS = 200;
const MIN_LENGTH = 2;

function option(doc, result, index) {
  const item = doc.createElement('li');
  item.id = `search-option-${index}`;
  item.setAttribute('role', 'option');
  item.setAttribute('aria-selected', 'false');
  item.className = 'search-option';
  item.dataset.kind = result.kind;
  const kind = doc.createElement('span');
  kind.className = 'search-option-kind';
  kind.textContent = result.kind_label;
  const label = doc.createElement('span');
  label.className = 'search-option-label';
  label.textContent = result.label;
  item.append(kind, label);
  if (result.context) {
    const context = doc.createElement('span');
    context.className = 'search-option-context';
    context.textContent = result.context;
    item.append(context);
  }
  return item;
}

/**
 * The combobox behaviour bound to the page's input, listbox and live regions.
 */
export class SearchCombobox {
  /**
   * @param {Document} doc Document.
   * @param {Object} options Options.
   * @param {function(string): Promise<Object>} options.search Text → API answer.
   * @param {function(Object): void} options.choose Called with the chosen result.
   * @param {function(string, number=): string} options.text UI text by key.
   */
  constructor(doc, {search, choose, text}) {
    this.doc = doc;
    this.search = search;
    this.choose = choose;
    this.text = text;
    this.form = doc.getElementById('search-form');
    this.input = doc.getElementById('search-input');
    this.listbox = doc.getElementById('search-listbox');
    this.status = doc.getElementById('search-status');
    this.message = doc.getElementById('search-message');
    this.results = [];
    this.resultsFor = null;
    this.active = -1;
    this.timer = null;
    this.pending = null;
    this.generation = 0;
    this.bind();
  }

  bind() {
    this.input.addEventListener('input', () => this.typed());
    this.input.addEventListener('keydown', (event) => this.key(event));
    this.input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.enter();
    });
    // mousedown would move the focus out of the text box before the click lands
    this.listbox.addEventListener('mousedown', (event) => event.preventDefault());
    this.listbox.addEventListener('click', (event) => {
      const item = event.target.closest('[role=option]');
      if (item) {
        this.pick(Number(item.id.replace('search-option-', '')));
      }
    });
  }

  typed() {
    clearTimeout(this.timer);
    this.setMessage('');
    this.input.removeAttribute('aria-invalid');
    const value = this.input.value.trim();
    if (value.length < MIN_LENGTH) {
      this.generation += 1;
      this.show([], value);
      this.close();
      return;
    }
    this.timer = setTimeout(() => this.suggest(value), DEBOUNCE_MS);
  }

  /** Ask for suggestions; only the answer to the latest text is shown. */
  async suggest(value) {
    const generation = ++this.generation;
    this.pending = this.search(value);
    let answer;
    try {
      answer = await this.pending;
    } catch (error) {
      if (generation === this.generation) {
        this.close();
        this.setMessage(error.userMessage || this.text('search_error'));
      }
      return null;
    }
    if (generation !== this.generation) {
      return null;
    }
    this.show(answer.results, value);
    if (answer.results.length) {
      this.open();
    } else {
      this.close();
      this.setMessage(answer.message ? answer.message.text : this.text('search_msg_not_found'));
    }
    this.announce(answer.results.length);
    return answer;
  }

  show(results, value) {
    this.results = results;
    this.resultsFor = value;
    this.active = -1;
    this.input.removeAttribute('aria-activedescendant');
    this.listbox.replaceChildren(...results.map((result, i) => option(this.doc, result, i)));
  }

  open() {
    this.listbox.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
  }

  /** Forget the text, the suggestions and any message (the kiosk's reset). */
  clear() {
    clearTimeout(this.timer);
    this.generation += 1; // an answer still on its way is dropped
    this.input.value = '';
    this.input.removeAttribute('aria-invalid');
    this.show([], '');
    this.setMessage('');
    this.status.textContent = '';
    this.close();
  }

  close() {
    this.listbox.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
    this.setActive(-1);
  }

  isOpen() {
    return !this.listbox.hidden;
  }

  announce(count) {
    const rule = new Intl.PluralRules(this.doc.documentElement.lang || 'pl').select(count);
    const key = count === 0 ? 'search_count_zero' : `search_count_${rule === 'one' ? 'one' : rule === 'few' ? 'few' : 'many'}`;
    this.status.textContent = this.text(key).replace('{n}', String(count));
  }

  setMessage(text) {
    this.message.textContent = text;
  }

  setActive(index) {
    const items = this.listbox.querySelectorAll('[role=option]');
    items.forEach((item, i) => item.setAttribute('aria-selected', String(i === index)));
    this.active = index;
    if (index >= 0 && items[index]) {
      this.input.setAttribute('aria-activedescendant', items[index].id);
      items[index].scrollIntoView({block: 'nearest'});
    } else {
      this.input.removeAttribute('aria-activedescendant');
    }
  }

  key(event) {
    const count = this.results.length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (!count) {
        return;
      }
      event.preventDefault();
      if (!this.isOpen()) {
        this.open();
      }
      const step = event.key === 'ArrowDown' ? 1 : -1;
      const start = this.active < 0 ? (step > 0 ? -1 : count) : this.active;
      this.setActive((start + step + count) % count);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      if (this.isOpen()) {
        this.close();
      } else {
        this.input.value = '';
        this.show([], '');
        this.setMessage('');
      }
    } else if (event.key === 'Enter') {
      event.preventDefault();
      this.enter();
    }
  }

  /** Enter or the button: the active option, else the best result for the text. */
  async enter() {
    clearTimeout(this.timer);
    if (this.isOpen() && this.active >= 0) {
      this.pick(this.active);
      return;
    }
    const value = this.input.value.trim();
    if (value.length < MIN_LENGTH) {
      this.setMessage(this.text(value ? 'search_msg_too_short' : 'search_msg_empty'));
      this.input.setAttribute('aria-invalid', 'true');
      return;
    }
    if (this.resultsFor !== value || !this.results.length) {
      this.setMessage(this.text('search_busy'));
      const answer = await this.suggest(value);
      if (!answer || !answer.results.length || this.input.value.trim() !== value) {
        return;
      }
    }
    this.pick(0);
  }

  pick(index) {
    const result = this.results[index];
    if (!result) {
      return;
    }
    this.close();
    this.setMessage('');
    this.input.value = result.label;
    this.show([result], result.label);
    this.choose(result);
  }
}
