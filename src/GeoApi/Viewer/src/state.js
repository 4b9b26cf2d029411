// What the page is showing and doing: one object shared by the modules.
export const state = {
  township: null,
  level: 'micro_grids',
  selected: null,
  mode: null,
  draft: [],
  pending: null,
  version: null,
  baseMap: null,
  crs: 'wgs84',
};
