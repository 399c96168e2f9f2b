"""Repositories, one module per aggregate: SQL in, domain objects out. They never commit."""

from storage.repositories.accounting import SqlFx, SqlJournal
from storage.repositories.api import SqlApi
from storage.repositories.backorders import SqlBackorders
from storage.repositories.callbacks import SqlCallbacks
from storage.repositories.campaigns import SqlCampaigns
from storage.repositories.carts import SqlCarts
from storage.repositories.catalog import SqlProducts
from storage.repositories.credit_notes import SqlCreditNotes
from storage.repositories.customers import SqlCustomers, SqlStaff
from storage.repositories.debit_notes import SqlDebitNotes
from storage.repositories.demand import SqlDemand
from storage.repositories.fulfilment import SqlCarriers, SqlPacking, SqlPicking
from storage.repositories.inventory import SqlInventory
from storage.repositories.jobs import SqlJobs
from storage.repositories.notifications import SqlOutbox, SqlSubscriptions
from storage.repositories.orders import SqlOrders
from storage.repositories.parcels import SqlCarrierEvents, SqlParcels
from storage.repositories.payments import SqlPayments
from storage.repositories.pricing import SqlPriceRules
from storage.repositories.promotions import SqlPromotions
from storage.repositories.purchasing import SqlPurchasing
from storage.repositories.returns import SqlReturns
from storage.repositories.sales import SqlSales
from storage.repositories.shop import SqlShop
from storage.repositories.stock import SqlStock
from storage.repositories.support import SqlSupport
from storage.repositories.warehouses import SqlWarehouses

__all__ = [
    "SqlApi",
    "SqlBackorders",
    "SqlCallbacks",
    "SqlCampaigns",
    "SqlCarrierEvents",
    "SqlCarriers",
    "SqlCarts",
    "SqlCreditNotes",
    "SqlCustomers",
    "SqlDebitNotes",
    "SqlDemand",
    "SqlFx",
    "SqlInventory",
    "SqlJobs",
    "SqlJournal",
    "SqlOrders",
    "SqlOutbox",
    "SqlPacking",
    "SqlParcels",
    "SqlPayments",
    "SqlPicking",
    "SqlPriceRules",
    "SqlProducts",
    "SqlPromotions",
    "SqlPurchasing",
    "SqlReturns",
    "SqlSales",
    "SqlShop",
    "SqlStaff",
    "SqlStock",
    "SqlSubscriptions",
    "SqlSupport",
    "SqlWarehouses",
]
