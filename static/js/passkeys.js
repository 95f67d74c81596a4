// After django-otp-webauthn's script saved a new passkey, go where the portal says next
// (backup codes after the first device, else the device list): a static file, as the
// portal's Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  document.addEventListener("otp_webauthn.register_complete", function () {
    // The library replaces its placeholder with the button: the URL is on the wrapper.
    var wrapper = document.getElementById("passkey-registration");
    if (wrapper && wrapper.dataset.doneUrl) {
      window.location.assign(wrapper.dataset.doneUrl);
    }
  });
})();
