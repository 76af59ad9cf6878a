/* The application page's scan viewer: turn and zoom a scan for reading (display only: the file is unchanged).
   Without scripts the scan shows as it is, with a link to open it; the toolbar appears once this runs. */
(function () {
  "use strict";
  var ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];

  function setUp(viewer) {
    var image = viewer.querySelector(".scan-image");
    var stage = viewer.querySelector(".scan-stage");
    var frame = viewer.querySelector(".scan-frame");
    var toolbar = viewer.querySelector(".scan-toolbar");
    var status = viewer.querySelector(".scan-state");
    if (!image || !stage || !frame || !toolbar) return;
    var state = { rotation: 0, zoom: 2 };

    function layout() {
      var naturalWidth = image.naturalWidth, naturalHeight = image.naturalHeight;
      if (!naturalWidth || !naturalHeight) return;
      var sideways = state.rotation % 180 !== 0;
      var room = frame.clientWidth || naturalWidth;
      var fit = Math.min(1, room / (sideways ? naturalHeight : naturalWidth));
      var zoom = ZOOMS[state.zoom];
      var width = naturalWidth * fit * zoom, height = naturalHeight * fit * zoom;
      image.style.width = width + "px";
      image.style.height = height + "px";
      image.style.transform = "translate(-50%, -50%) rotate(" + state.rotation + "deg)";
      stage.style.width = (sideways ? height : width) + "px";
      stage.style.height = (sideways ? width : height) + "px";
      viewer.setAttribute("data-rotation", String(state.rotation));
      viewer.setAttribute("data-zoom", String(Math.round(zoom * 100)));
      if (status) {
        status.textContent = status.getAttribute("data-template")
          .replace("{angle}", String(state.rotation))
          .replace("{zoom}", String(zoom));
      }
    }

    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button) return;
      var action = button.getAttribute("data-action");
      if (action === "left") state.rotation = (state.rotation + 270) % 360;
      if (action === "right") state.rotation = (state.rotation + 90) % 360;
      if (action === "in") state.zoom = Math.min(ZOOMS.length - 1, state.zoom + 1);
      if (action === "out") state.zoom = Math.max(0, state.zoom - 1);
      if (action === "reset") { state.rotation = 0; state.zoom = 2; }
      layout();
    });
    viewer.classList.add("scan-viewer-ready");
    toolbar.hidden = false;
    if (image.complete) layout(); else image.addEventListener("load", layout);
    window.addEventListener("resize", layout);
  }

  document.querySelectorAll(".scan-viewer").forEach(setUp);
})();
