// The report's one script of its own, inlined after uPlot: draws every chart
// from the page's JSON data. Text reaches the DOM only through uPlot, which
// sets labels with textContent; nothing here parses HTML.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];
  var charts = [];
  window.otcwatchCharts = charts;
  var all = data.prices.concat(data.adoption, data.alerts);
  all.forEach(function (spec) {
    var target = document.getElementById(spec.id);
    if (!target) return;
    var banded = Boolean(spec.band);
    var series = [{ label: 'run start' }].concat(
      spec.series.map(function (s, i) {
        var color = banded && i > 0 ? '#9ecae1' : palette[i % palette.length];
        return { label: s.label, stroke: color, width: banded && i > 0 ? 1 : 2, points: { show: spec.x.length < 60 } };
      }),
    );
    var options = {
      title: spec.title,
      width: Math.max(320, Math.min(target.clientWidth || 560, 560)),
      height: 260,
      series: series,
      axes: [{}, { label: spec.yLabel }],
      scales: { x: { time: true } },
    };
    if (banded) options.bands = [{ series: spec.band, fill: 'rgba(31,119,180,0.15)' }];
    var columns = [spec.x].concat(spec.series.map(function (s) { return s.values; }));
    charts.push({ id: spec.id, title: spec.title, plot: new uPlot(options, columns, target) });
  });
})();
