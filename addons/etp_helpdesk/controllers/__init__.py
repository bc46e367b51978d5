from . import main
from . import portal
from . import support_form
from . import personal_data
from . import support_pages
