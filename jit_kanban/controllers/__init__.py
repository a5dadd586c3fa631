from . import main
from . import api_v1
