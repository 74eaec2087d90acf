// Entry point of the viewer bundle (web/static/build/viewer.js + viewer.css).

import 'ol/ol.css';
import './viewer.css';
import './tools.css';
import {readConfig, t} from './config.js';
import {registerProjection} from './projection.js';
import {createViewer} from './viewer.js';

function start() {
  const config = readConfig(document);
  if (!config) {
    return;
  }
  registerProjection(config.projection);
  createViewer(config, document).catch((error) => {
    console.error(error);
    const content = document.getElementById('info-content');
    if (content) {
      content.textContent = t(config, 'viewer_failed');
    }
  });
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
