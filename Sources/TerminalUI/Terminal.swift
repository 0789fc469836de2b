import CNcurses
import PostureViews
