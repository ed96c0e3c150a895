// The lead desk: today's numbers refresh by themselves while the page is open (no library, no inline script).
(function () {
  var live = document.querySelectorAll('[data-live]');
  if (!live.length) {
    return;
  }
  function refresh() {
    fetch('/desk/summary', {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (summary) {
        if (!summary) {
          return;
        }
        live.forEach(function (element) {
          var value = summary[element.getAttribute('data-live')];
          element.textContent = value === undefined ? '0' : String(value);
        });
      })
      .catch(function () { /* the next round tries again */ });
  }
  setInterval(refresh, 30000);
})();
