from core.routers import AppRouter

router = AppRouter()
# Scoped viewsets of terms, bodies, post holdings, planning entries and rotations register here.
urlpatterns = router.urls
