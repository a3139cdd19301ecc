"""etl service: keeps warehouse_db current from the scraper's and users' events."""
from nameko.rpc import rpc
from nameko_sqlalchemy import Database

from jobsight import health
from jobsight.db.warehouse import WarehouseBase
from jobsight.logs import RequestContext


class EtlService:
    name = "etl"

    warehouse = Database(WarehouseBase, engine_options={"pool_pre_ping": True})
    context = RequestContext()

    @rpc
    def health(self):
        return health.report(warehouse=lambda: health.check_database(self.warehouse.session))
