// The staff dashboard's charts (/staff/analytics/): each [data-chart] element is drawn
// by Apache ECharts (static/vendor/echarts, vendored) from the JSON that the page embeds
// next to it with json_script. The same figures are in the table beneath every chart, so
// without JavaScript (or without a chart library) nothing is lost.
(function () {
  "use strict";

  var PALETTE = ["#1d4ed8", "#047857", "#b45309", "#6d28d9", "#b91c1c"];

  function isChinese() {
    return (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0;
  }

  function narrow(element) {
    return element.clientWidth < 520;
  }

  function barOption(spec, element) {
    var horizontal = !!spec.horizontal;
    var categoryAxis = {
      type: "category",
      data: spec.labels,
      inverse: horizontal,
      axisLabel: { interval: 0, hideOverlap: !horizontal, width: narrow(element) ? 90 : 160, overflow: "truncate" }
    };
    var valueAxis = { type: "value", minInterval: 1 };
    var series = spec.series.map(function (one, index) {
      return {
        name: one.name,
        type: "bar",
        data: one.data.map(function (value, position) {
          if (spec.highlight === position) {
            return { value: value, itemStyle: { color: "#b91c1c" } };
          }
          return value;
        }),
        itemStyle: { color: PALETTE[index % PALETTE.length] },
        label: horizontal ? { show: true, position: "right" } : { show: false }
      };
    });
    return {
      grid: { left: 8, right: horizontal ? 48 : 16, top: spec.series.length > 1 ? 36 : 16, bottom: 8, containLabel: true },
      legend: spec.series.length > 1 ? { top: 0 } : undefined,
      tooltip: { trigger: "axis", confine: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: series
    };
  }

  function lineOption(spec) {
    return {
      grid: { left: 24, right: 24, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", confine: true },
      xAxis: { type: "category", data: spec.labels, boundaryGap: false, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1 },
      series: spec.series.map(function (one, index) {
        return {
          name: one.name,
          type: "line",
          data: one.data,
          showSymbol: spec.labels.length <= 31,
          itemStyle: { color: PALETTE[index % PALETTE.length] }
        };
      })
    };
  }

  function heatmapOption(spec, element) {
    var data = spec.series[0].data;
    var most = data.reduce(function (top, cell) { return Math.max(top, cell[2]); }, 0);
    return {
      grid: { left: 8, right: 8, top: 8, bottom: 48, containLabel: true },
      tooltip: { position: "top", confine: true },
      xAxis: { type: "category", data: spec.labels, splitArea: { show: true }, axisLabel: { interval: narrow(element) ? 5 : 1 } },
      yAxis: { type: "category", data: spec.rows, inverse: true, splitArea: { show: true } },
      visualMap: {
        min: 0,
        max: Math.max(most, 1),
        calculable: false,
        text: [String(most), "0"],
        orient: "horizontal",
        left: "center",
        bottom: 0,
        itemHeight: narrow(element) ? 120 : 200,
        inRange: { color: ["#eff6ff", "#1d4ed8"] }
      },
      series: [{ name: spec.series[0].name, type: "heatmap", data: data, emphasis: { itemStyle: { borderColor: "#1f2937", borderWidth: 1 } } }]
    };
  }

  function draw(element) {
    if (!window.echarts) return;
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    var option = spec.kind === "heatmap" ? heatmapOption(spec, element)
      : spec.kind === "line" ? lineOption(spec)
        : barOption(spec, element);
    option.animation = false;
    option.textStyle = { fontFamily: getComputedStyle(document.body).fontFamily };
    var chart = window.echarts.init(element, null, { renderer: "svg", locale: isChinese() ? "ZH" : "EN" });
    chart.setOption(option);
    element.setAttribute("data-drawn", "1");
    return chart;
  }

  function start() {
    var charts = [];
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var chart = draw(element);
      if (chart) charts.push(chart);
    });
    // Each chart follows its own box (a phone turned, a window resized, a table unfolded).
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(function (entries) {
        entries.forEach(function (entry) {
          var chart = window.echarts.getInstanceByDom(entry.target);
          if (chart) chart.resize();
        });
      });
      charts.forEach(function (chart) { observer.observe(chart.getDom()); });
    }
    // A preset's dates are its own: typing a date switches the period to custom dates.
    var period = document.getElementById("analytics-period");
    ["analytics-start", "analytics-end"].forEach(function (id) {
      var input = document.getElementById(id);
      if (input && period) {
        input.addEventListener("change", function () { period.value = "custom"; });
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
