// Filters the search page's list as the visitor types. The list itself is plain HTML (every page),
// so the page still works without JavaScript; the index comes from search-index.js (a script, not
// fetch(), so that the portal also works opened from the file system).
(function () {
  "use strict";
  var index = window.PORTAL_INDEX || [];
  var input = document.getElementById("q");
  var results = document.getElementById("results");
  var status = document.getElementById("search-status");
  if (!input || !results) { return; }
  var root = (document.querySelector("link[rel=stylesheet]").getAttribute("href") || "").replace(/static\/portal\.css$/, "");

  function matches(entry, words) {
    var text = (entry.title + " " + entry.summary + " " + entry.keywords + " " + entry.kind).toLowerCase();
    return words.every(function (word) { return text.indexOf(word) !== -1; });
  }

  function show(query) {
    var words = query.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
    var found = words.length ? index.filter(function (entry) { return matches(entry, words); }) : index;
    while (results.firstChild) { results.removeChild(results.firstChild); }
    found.forEach(function (entry) {
      var item = document.createElement("li");
      item.setAttribute("data-kind", entry.kind);
      var link = document.createElement("a");
      link.href = root + entry.url;
      link.textContent = entry.title;
      var summary = document.createElement("span");
      summary.className = "muted";
      summary.textContent = " " + entry.summary;
      item.appendChild(link);
      item.appendChild(summary);
      results.appendChild(item);
    });
    status.textContent = words.length
      ? found.length + " of " + index.length + " pages match \u201c" + query + "\u201d"
      : index.length + " pages";
  }

  var initial = new URLSearchParams(window.location.search).get("q") || "";
  input.value = initial;
  show(initial);
  input.addEventListener("input", function () { show(input.value); });
})();
