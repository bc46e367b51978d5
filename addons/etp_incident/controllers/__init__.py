from . import main
from . import status
from . import status_subscription
from . import status_links
