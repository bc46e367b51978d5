from . import rating
