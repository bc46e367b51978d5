from . import main
from . import portal
from . import support_form
from . import support_pages
