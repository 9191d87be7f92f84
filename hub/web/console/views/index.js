// Every view of the console, in navigation order. A view module's default export is
// { route, nav (a catalogue key, or null for views reached by a link), kinds (the user kinds
// that see it, or null for all), render(root, params) }.

import search from "./search.js";
import report from "./report.js";
import graph from "./graph.js";
import lists from "./lists.js";
import alerts from "./alerts.js";
import enterprise from "./enterprise.js";
import stats from "./stats.js";

export const VIEWS = [search, report, graph, lists, alerts, enterprise, stats];
