// @module web/static/app — the dashboard shell: hash routing (#/page/arg...) to page modules in ./pages.
import { askForKey } from './api.js';
import { errorBox } from './dom.js';

const pages = {
  datasets: () => import('./pages/datasets.js'),
  runs: () => import('./pages/runs.js'),
  sweeps: () => import('./pages/sweeps.js'),
  evaluations: () => import('./pages/evaluations.js'),
  logs: () => import('./pages/logs.js'),
  playground: () => import('./pages/playground.js'),
};

let cleanup = null;

async function route() {
  const [name = 'datasets', ...args] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const page = pages[name] ? name : 'datasets';
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('active', link.dataset.page === page);
  if (cleanup) cleanup();
  cleanup = null;
  const root = document.getElementById('page');
  root.dataset.ready = 'false';
  root.replaceChildren();
  root.dataset.page = page;
  try {
    const module = await pages[page]();
    cleanup = (await module.render(root, args)) ?? null;
  } catch (error) {
    root.replaceChildren(errorBox(error));
  }
  root.dataset.ready = 'true';
}

document.getElementById('key-button').addEventListener('click', async () => {
  if (await askForKey()) route();
});
window.addEventListener('hashchange', route);
route();
