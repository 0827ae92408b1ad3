// The check-in page's QR scanner: the phone's camera, or a photo, read in the browser.
//
// A code that is read is put in the page's "type the code" form and submitted (htmx posts it and
// shows the result), so a scan and a typed code take the same path to the same service.
// Decoding: the browser's own BarcodeDetector when it reads QR codes (Android, macOS), else the
// vendored jsQR (vendor/jsqr/README.md). Nothing is fetched from another host.
(function () {
  "use strict";

  const root = document.querySelector("[data-scanner]");
  if (!root) {
    return;
  }
  const form = root.querySelector("[data-scanner-form]");
  const input = form.querySelector("input[name=code]");
  const status = root.querySelector("[data-scanner-status]");
  const video = root.querySelector("[data-scanner-video]");
  const startButton = root.querySelector("[data-scanner-start]");
  const stopButton = root.querySelector("[data-scanner-stop]");
  const photoLabel = root.querySelector("[data-scanner-photo]");
  const fileInput = root.querySelector("[data-scanner-file]");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });

  // Photos from phones are large; a QR code held up to the camera still reads at this size.
  const MAX_SIDE = 1280;
  // The camera sees the same code many times a second: it is sent once, then again only after a pause.
  const REPEAT_AFTER_MS = 4000;
  const FRAME_EVERY_MS = 200;

  let detector = null;
  let stream = null;
  let lastCode = "";
  let lastSentAt = 0;
  let scanned = false;

  function say(key) {
    status.textContent = key ? root.dataset[key] || "" : "";
  }

  async function nativeDetector() {
    if (!("BarcodeDetector" in window)) {
      return null;
    }
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      return formats.includes("qr_code") ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
    } catch (error) {
      return null;
    }
  }

  async function decode(source, width, height) {
    if (detector) {
      try {
        const codes = await detector.detect(source);
        if (codes.length) {
          return codes[0].rawValue;
        }
      } catch (error) {
        // Some platforms list the format but fail on a frame: jsQR below still tries.
      }
    }
    if (typeof window.jsQR !== "function" || !width || !height) {
      return null;
    }
    const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    const found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
    return found ? found.data : null;
  }

  function send(code) {
    const now = Date.now();
    if (code === lastCode && now - lastSentAt < REPEAT_AFTER_MS) {
      return;
    }
    lastCode = code;
    lastSentAt = now;
    scanned = true;
    input.value = code;
    say("msgSending");
    form.requestSubmit();
  }

  // --- The camera -------------------------------------------------------------------------------

  async function startCamera() {
    say("msgStarting");
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
    } catch (error) {
      stream = null;
      say("msgNoCamera");
      return;
    }
    // A MediaStream is attached as an object, not loaded from a URL, so the page's
    // Content-Security-Policy (media-src falls back to 'self') has nothing to allow.
    video.srcObject = stream;
    video.hidden = false;
    startButton.hidden = true;
    stopButton.hidden = false;
    try {
      await video.play();
    } catch (error) {
      // Autoplay refused before the stream started: frames still arrive once it does.
    }
    say("msgScanning");
    scanFrames();
  }

  function stopCamera() {
    if (stream) {
      stream.getTracks().forEach((track) => track.stop());
    }
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = false;
    say("");
  }

  async function scanFrames() {
    while (stream) {
      if (video.readyState >= video.HAVE_CURRENT_DATA) {
        const code = await decode(video, video.videoWidth, video.videoHeight);
        if (code && stream) {
          send(code);
        }
      }
      await new Promise((resolve) => window.setTimeout(resolve, FRAME_EVERY_MS));
    }
  }

  // --- A photo ------------------------------------------------------------------------------------

  async function readPhoto() {
    const file = fileInput.files[0];
    if (!file) {
      return;
    }
    say("msgReading");
    let bitmap;
    try {
      // Decoded straight from the file: no blob: URL, so the policy's img-src needs nothing more.
      bitmap = await createImageBitmap(file);
    } catch (error) {
      say("msgNotAnImage");
      return;
    } finally {
      fileInput.value = "";
    }
    const code = await decode(bitmap, bitmap.width, bitmap.height);
    bitmap.close();
    if (code) {
      lastCode = "";  // a photo chosen on purpose is always sent, even the same one again
      send(code);
    } else {
      say("msgNotFound");
    }
  }

  // --- Wiring -------------------------------------------------------------------------------------

  // A scanned code is cleared once its answer is in, ready for the next person; a typed one stays
  // in the box when it was refused, so it can be corrected.
  form.addEventListener("htmx:afterRequest", () => {
    if (scanned) {
      input.value = "";
      scanned = false;
    }
    say(stream ? "msgScanning" : "");
  });
  form.addEventListener("input", () => {
    scanned = false;
  });

  nativeDetector().then((found) => {
    detector = found;
    if (typeof window.jsQR !== "function" && !detector) {
      return;
    }
    photoLabel.hidden = false;
    fileInput.addEventListener("change", readPhoto);
    if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
      startButton.hidden = false;
      startButton.addEventListener("click", startCamera);
      stopButton.addEventListener("click", stopCamera);
    }
    root.dataset.scannerReady = "true";
  });
  // Leaving the page (or the browser hiding it) lets go of the camera.
  window.addEventListener("pagehide", stopCamera);
})();
