"""Extension objects, created unbound; create_app() binds them. Feature modules import these."""
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_wtf import CSRFProtect

from core.db import Database

db = Database()
socketio = SocketIO()
login_manager = LoginManager()
csrf = CSRFProtect()
