import { createRouter, createWebHashHistory } from 'vue-router'
// The first screen after a reload: in the entry's chunk (preloaded with it by the page), not fetched
// after the entry has run, one round trip before the list can paint (issue 21).
import MessagesView from '../views/MessagesView.vue'

/** Hash history: works the same from the browser host and from the desktop app's file URL. */
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/messages' },
    { path: '/messages', name: 'messages', component: MessagesView },
    { path: '/messages/:id', name: 'thread', component: MessagesView, props: true },
    { path: '/contacts', name: 'contacts', component: () => import('../views/ContactsView.vue') },
    { path: '/contacts/:id', name: 'contact', component: () => import('../views/ContactDetailsView.vue'), props: true },
    { path: '/contacts/:id/history', name: 'contact-history', component: () => import('../views/ContactHistoryView.vue'), props: true },
    { path: '/search', name: 'search', component: () => import('../views/SearchView.vue') },
    { path: '/settings', name: 'settings', component: () => import('../views/SettingsView.vue') },
    // Team server administrators only; the view itself refuses everyone else.
    { path: '/admin', name: 'admin', component: () => import('../views/AdminView.vue') },
    // The tray's quick-reply popover (a small window in the desktop app).
    {
      path: '/quick-reply/:id?',
      name: 'quick-reply',
      component: () => import('../views/QuickReplyView.vue'),
      props: true,
      meta: { bare: true },
    },
  ],
})
