from . import main
from . import status
