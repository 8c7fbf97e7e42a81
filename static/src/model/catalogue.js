// The component catalogue, fetched once per page load and shared (React hooks are in hooks/useCatalogue.js).
import { api } from '../api/client.js';

let cataloguePromise = null;

// The palette lists categories in the order of a pipeline's life; others follow alphabetically.
const CATEGORY_ORDER = [
  'data input and output', 'data transformation', 'feature selection', 'machine learning algorithms',
  'model training', 'model scoring and evaluation', 'computer vision', 'web service',
];

function categoryRank(name) {
  const lower = name.toLowerCase();
  const index = CATEGORY_ORDER.findIndex((c) => lower.startsWith(c));
  return index === -1 ? CATEGORY_ORDER.length : index;
}

/** The catalogue, fetched once: {components, categories, specOf, colourOf, ...}. */
export function loadCatalogue() {
  if (!cataloguePromise) {
    cataloguePromise = api.components().then((data) => {
      const components = data.components || [];
      const byId = new Map(components.map((c) => [c.id, c]));
      const colours = {};
      (data.port_types || []).forEach((t) => { colours[t.name] = t.color; });
      const categories = [];
      const index = new Map();
      components.forEach((c) => {
        const name = c.category || 'Other';
        if (!index.has(name)) {
          index.set(name, []);
          categories.push(name);
        }
        index.get(name).push(c);
      });
      return {
        components,
        portTypes: data.port_types || [],
        categories: categories
          .sort((a, b) => categoryRank(a) - categoryRank(b) || a.localeCompare(b))
          .map((name) => ({ name, components: index.get(name) })),
        specOf: (id) => byId.get(id) || null,
        colourOf: (type) => colours[type] || '#64748b',
      };
    }).catch((error) => {
      cataloguePromise = null;
      throw error;
    });
  }
  return cataloguePromise;
}
