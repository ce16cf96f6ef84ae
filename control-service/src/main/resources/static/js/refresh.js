// Self-refresh: every data-refresh seconds, fetch this page again and swap in its <main>, unless the reader is
// typing in a form field or the tab is hidden. A sign-in redirect (session ended) reloads the whole page.
(function () {
  var seconds = Number(document.body.dataset.refresh || 0);
  if (!seconds) { return; }
  setInterval(function () {
    var active = document.activeElement;
    if (document.hidden || (active && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName))) { return; }
    fetch(location.href, {credentials: 'same-origin'}).then(function (r) {
      if (r.redirected || !r.ok) { if (r.redirected) { location.reload(); } return null; }
      return r.text();
    }).then(function (html) {
      if (!html) { return; }
      var fresh = new DOMParser().parseFromString(html, 'text/html').querySelector('main');
      if (fresh) { document.querySelector('main').replaceWith(fresh); }
    }).catch(function () {});
  }, seconds * 1000);
})();
