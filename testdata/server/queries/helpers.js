// name: helpers
// description: Who assists or details staff to an agency, one row per edge.
// param: agency entity default=ICE -- the agency helped
// param: max integer default=100 -- most rows
// columns: helper, help
// order: helper, help
var rows = [];
g.V(agency).In(["<assists>", "<detailsStaffTo>"], "help").ForEach(function (d) {
  rows.push({ helper: d.id, help: d.help });
});
rows.sort(function (a, b) { return a.helper < b.helper ? -1 : 1; });
rows.slice(0, max).forEach(function (r) { g.Emit(r); });
