/**
 * @module platform/eval/report/report-script
 * The browser-side script of the HTML report (plain ES2017, runs after Chart.js): metric bars with
 * bootstrap error bars (drawn by a tiny Chart.js plugin, since Chart.js has no error bars), latency bars,
 * and training loss curves. Data arrives as the JSON object `REPORT`.
 */

export const REPORT_SCRIPT = String.raw`
(function () {
  var palette = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';
  var errorBars = {
    id: 'errorBars',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      chart.data.datasets.forEach(function (dataset, datasetIndex) {
        if (!dataset.intervals) return;
        var meta = chart.getDatasetMeta(datasetIndex);
        if (meta.hidden) return;
        meta.data.forEach(function (bar, index) {
          var interval = dataset.intervals[index];
          if (!interval || interval[0] === null) return;
          var scale = chart.scales.y;
          var low = scale.getPixelForValue(interval[0]);
          var high = scale.getPixelForValue(interval[1]);
          var half = Math.min(6, bar.width / 4);
          ctx.save();
          ctx.strokeStyle = '#111827';
          ctx.lineWidth = 1.5;
          ctx.beginPath();
          ctx.moveTo(bar.x, low); ctx.lineTo(bar.x, high);
          ctx.moveTo(bar.x - half, low); ctx.lineTo(bar.x + half, low);
          ctx.moveTo(bar.x - half, high); ctx.lineTo(bar.x + half, high);
          ctx.stroke();
          ctx.restore();
        });
      });
    }
  };
  var metricCanvas = document.getElementById('metric-chart');
  if (metricCanvas) {
    new Chart(metricCanvas, {
      type: 'bar',
      data: {
        labels: REPORT.metrics,
        datasets: REPORT.models.map(function (model, i) {
          return {
            label: model.name,
            backgroundColor: palette[i % palette.length] + 'cc',
            data: REPORT.metrics.map(function (metric) { return model.metrics[metric] ? model.metrics[metric].value : null; }),
            intervals: REPORT.metrics.map(function (metric) {
              var m = model.metrics[metric];
              return m && m.low !== null ? [m.low, m.high] : null;
            })
          };
        })
      },
      options: { responsive: true, scales: { y: { min: 0, max: 1, title: { display: true, text: 'score (95% CI)' } } } },
      plugins: [errorBars]
    });
  }
  var latencyCanvas = document.getElementById('latency-chart');
  if (latencyCanvas) {
    new Chart(latencyCanvas, {
      type: 'bar',
      data: {
        labels: REPORT.models.map(function (model) { return model.name; }),
        datasets: [
          { label: 'p50 latency (ms)', backgroundColor: '#2563ebcc', data: REPORT.models.map(function (m) { return m.p50 > 0 ? m.p50 : null; }) },
          { label: 'p95 latency (ms)', backgroundColor: '#dc2626cc', data: REPORT.models.map(function (m) { return m.p95 > 0 ? m.p95 : null; }) }
        ]
      },
      options: { responsive: true, scales: { y: { type: 'logarithmic', title: { display: true, text: 'milliseconds (log)' } } } }
    });
  }
  var lossCanvas = document.getElementById('loss-chart');
  if (lossCanvas) {
    new Chart(lossCanvas, {
      type: 'line',
      data: {
        datasets: REPORT.lossCurves.map(function (curve, i) {
          return {
            label: curve.name,
            borderColor: palette[i % palette.length],
            backgroundColor: palette[i % palette.length],
            pointRadius: 0,
            borderWidth: 2,
            data: curve.points.map(function (p) { return { x: p.step, y: p.value }; })
          };
        })
      },
      options: { responsive: true, parsing: false, scales: { x: { type: 'linear', title: { display: true, text: 'step' } }, y: { title: { display: true, text: 'training loss' } } } }
    });
  }
})();
`;
