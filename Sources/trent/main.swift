import Hummingbird
import GRDB
print("x")
