"""The storage of collected static files in production."""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class PortalStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed, hashed-name storage, remembering each file's URL.

    Every page asks for the same stylesheets, scripts and icons, and working out a hashed
    URL costs as much as rendering a dozen lines of the page; the manifest behind the URLs
    only changes when ``collectstatic`` runs, which starts over."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force=True)
        key = (name, settings.DEBUG)
        if key not in self._urls:
            self._urls[key] = super().url(name)
        return self._urls[key]

    def post_process(self, *args, **kwargs):
        self._urls.clear()
        yield from super().post_process(*args, **kwargs)
